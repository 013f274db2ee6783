// Over 300 lines: one curator journey through the portal, step by step, each step building on the one before.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// The curator's journey through the portal in Chromium, against the real server: every page goes through the
/// REST API as the signed-in user. A screenshot of each page lands in the screenshots folder.
/// </summary>
public sealed class PortalBrowserTests(SqlitePlatform platform, Chromium chromium) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    protected override string KnowledgeBase => "handbook";

    private string CuratorAdmin => Email("curator-admin");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await PortalSession.CreateUserAsync(Host, Tenant.Key, CuratorAdmin, "tenant-admin", Ct);
    }

    private async Task<IPage> SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(Host.Url("/portal/knowledge-bases"));
        await page.WaitForURLAsync("**/portal/login**");
        await page.GetByLabel("E-mail").FillAsync(CuratorAdmin);
        await page.GetByLabel("Password").FillAsync(PortalSession.Password);
        await Chromium.ScreenshotAsync(page, "portal-sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/portal/knowledge-bases");
        return page;
    }

    private static string SamplesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "samples", "customer-service"))) return Path.Combine(dir.FullName, "samples", "customer-service");
        throw new DirectoryNotFoundException("samples/customer-service was not found above the test folder.");
    }

    [Fact]
    public async Task A_curator_builds_a_knowledge_base_curates_it_and_tests_it_in_the_portal()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await SignInAsync(context);
        try
        {
            await CuratorJourneyAsync(page, TestContext.Current.CancellationToken);
        }
        catch
        {
            // What the page showed when a step failed, next to the page screenshots.
            await Chromium.ScreenshotAsync(page, "failure-curator-journey");
            throw;
        }
    }

    private async Task CuratorJourneyAsync(IPage page, CancellationToken ct)
    {

        // Create a knowledge base.
        await page.GetByLabel("Name").FillAsync("support");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await page.Locator("[data-testid=kb-list] a", new() { HasText = "support" }).First.WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit support" }).ClickAsync();
        await page.Locator("[data-testid=kb-edit]").GetByLabel("Description").FillAsync("Northwind product support");
        await page.Locator("[data-testid=kb-edit]").GetByLabel("Strict").CheckAsync();
        await page.Locator("[data-testid=kb-edit]").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.Locator("[data-testid=kb-list]").GetByText("Northwind product support").WaitForAsync();

        // Its retrieval settings say what an empty weight means: the weight in use, the vertical's until it calibrates its own.
        await page.GetByRole(AriaRole.Button, new() { Name = "Retrieval settings of support" }).ClickAsync();
        await page.Locator("[data-testid=dense-weight-help]", new() { HasText = "the vertical's default (0.50)" }).WaitForAsync();
        Assert.Equal("0.5", await page.GetByLabel("Dense weight (0–1)").GetAttributeAsync("placeholder"));
        // A weight set here is the curator's at once, and emptied it is the knowledge base's own again.
        var fusion = page.Locator("[data-testid=kb-list] .list-group-item", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "support", Exact = true }) })
            .GetByTestId("fusion");
        await page.GetByLabel("Dense weight (0–1)").FillAsync("0.7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await fusion.Filter(new() { HasText = "dense weight 0.70, set by a curator" }).WaitForAsync();
        await page.GetByLabel("Dense weight (0–1)").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await fusion.Filter(new() { HasText = "dense weight 0.50, the vertical's default" }).WaitForAsync();

        // Tighten the tenant's policy for this knowledge base only.
        await page.GetByRole(AriaRole.Button, new() { Name = "Policy of support" }).ClickAsync();
        var kbPolicy = page.Locator("[data-testid=kb-policy]");
        await kbPolicy.Locator("[data-testid=blocked-topics]").FillAsync("jailbreak");
        await kbPolicy.Locator("[data-testid=disclaimer]").FillAsync("Support answers: check your warranty card.");
        await kbPolicy.GetByRole(AriaRole.Button, new() { Name = "Save policy" }).ClickAsync();
        await kbPolicy.Locator("[data-testid=kb-policy-effective]", new() { HasText = "blocked topics jailbreak" }).WaitForAsync();
        await Chromium.ScreenshotAsync(page, "portal-knowledge-bases");

        // Upload two sample files and watch both reach ready (progress pushed over the ingestion hub).
        await page.Locator("[data-testid=kb-list] a", new() { HasText = "support" }).First.ClickAsync();
        await page.WaitForURLAsync("**/documents");
        var samples = SamplesFolder();
        await page.Locator("[data-testid=drop-zone][data-ready=true]").WaitForAsync();
        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(
            [Path.Combine(samples, "warranty-policy.md"), Path.Combine(samples, "firmware-updates.md")]);
        try
        {
            await page.Locator("[data-testid=upload-item][data-status=ready]").Nth(1).WaitForAsync(new() { Timeout = 120_000 });
        }
        catch (TimeoutException)
        {
            // Say what the page showed and what the API says, so a failure here can be told apart: lost push or slow ingestion.
            using var client = Host.Client(Tenant.Key);
            var documents = await client.GetStringAsync("/api/v1/knowledge-bases/support/documents", ct);
            Assert.Fail($"Uploads shown: {string.Join(" | ", await page.Locator("[data-testid=upload-item]").AllInnerTextsAsync())}; documents: {documents}");
        }
        Assert.Equal(0, await page.Locator("[data-testid=upload-item][data-status=failed]").CountAsync());
        await page.Locator("[data-testid=document-row]").Nth(1).WaitForAsync();
        await Chromium.ScreenshotAsync(page, "portal-documents");

        // Each row says who uploaded it; its actions fit the window (none clipped at 1366 px).
        var row = page.Locator("[data-testid=document-row][data-file='firmware-updates.md']");
        Assert.Contains($"by {CuratorAdmin}", await row.Locator("[data-testid=uploaded]").InnerTextAsync());
        var delete = (await row.GetByRole(AriaRole.Button, new() { Name = "Delete firmware-updates.md" }).BoundingBoxAsync())!;
        Assert.True(delete.X + delete.Width <= 1366, $"the Delete button ends at {delete.X + delete.Width} px");

        // Tags and access groups are edited in the side panel and saved only with Save; they are kept.
        await row.GetByRole(AriaRole.Button, new() { Name = "Details of firmware-updates.md" }).ClickAsync();
        var panel = page.Locator("[data-testid=details-panel]");
        await panel.GetByLabel("Tags").FillAsync("firmware, howto");
        await panel.GetByLabel("Access groups").FillAsync("engineering");
        await panel.Locator("[data-testid=unsaved]").WaitForAsync();
        await Chromium.ScreenshotAsync(page, "portal-document-details");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.GetByText("Details of firmware-updates.md saved.").First.WaitForAsync();
        await page.ReloadAsync();
        await row.Locator("[data-testid=group]", new() { HasText = "engineering" }).WaitForAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Details of firmware-updates.md" }).ClickAsync();
        Assert.Equal("engineering", await panel.GetByLabel("Access groups").InputValueAsync());
        await panel.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // Search and filters narrow the list.
        await page.Locator("[data-testid=document-search]").FillAsync("firmware");
        await page.Locator("[data-testid=document-count]", new() { HasText = "1 of 2" }).WaitForAsync();
        await page.Locator("[data-testid=document-search]").FillAsync("");
        await page.Locator("#doc-tag").SelectOptionAsync("howto");
        Assert.Equal(["firmware-updates.md"], await page.Locator("[data-testid=document-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.file)"));
        await page.Locator("#doc-tag").SelectOptionAsync("");

        // Delete asks once more, in the row: Keep leaves the document where it was.
        await row.GetByRole(AriaRole.Button, new() { Name = "Delete firmware-updates.md" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Keep firmware-updates.md" }).ClickAsync();
        // Blazor renders after the click returns: wait for the confirmation to go rather than counting at once.
        await Assertions.Expect(page.Locator("[data-testid=confirm-delete]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=document-row]")).ToHaveCountAsync(2);

        // Find a chunk in the playground; the score table shows fused, dense and BM25 side by side.
        await page.GotoAsync(Host.Url("/portal/playground"));
        await page.Locator("[data-testid=kb-picker]").SelectOptionAsync(new SelectOptionValue { Label = "support" });
        await page.Locator("[data-testid=query]").FillAsync("how long is the warranty");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var firstHit = page.Locator("[data-testid=hit]").First;
        await firstHit.WaitForAsync();
        Assert.NotEqual("–", await firstHit.Locator("[data-testid=fused]").InnerTextAsync());
        var chunkId = await firstHit.GetAttributeAsync("data-chunk");
        await Chromium.ScreenshotAsync(page, "portal-playground");

        // The hit opens in the source view, its chunk marked; from there, edit it in the chunk browser: re-embedded and re-indexed on save.
        await firstHit.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync("**/source?chunk=**");
        await page.Locator("[data-testid=text-highlight]").WaitForAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Chunks", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/chunks**");
        var chunk = page.Locator($"[data-chunk='{chunkId}']");
        await chunk.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await chunk.Locator("[data-testid=chunk-editor]").FillAsync("Zanzibarian warranty cover: every Northwind device is covered for two years.");
        await chunk.GetByRole(AriaRole.Button, new() { Name = "Save and re-embed" }).ClickAsync();
        await chunk.GetByText("Zanzibarian warranty cover").WaitForAsync();
        Assert.True(await chunk.Locator("[data-testid=edited-marker]").IsVisibleAsync(), "an edited chunk is marked Edited");
        await Chromium.ScreenshotAsync(page, "portal-chunks");

        // The edit is what the next search finds.
        await page.GotoAsync(Host.Url("/portal/playground"));
        await page.Locator("[data-testid=kb-picker]").SelectOptionAsync(new SelectOptionValue { Label = "support" });
        await page.Locator("[data-testid=query]").FillAsync("Zanzibarian");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.Locator("[data-testid=hit]").First.WaitForAsync();
        Assert.Equal(chunkId, await page.Locator("[data-testid=hit]").First.GetAttributeAsync("data-chunk"));
        Assert.Contains("Zanzibarian", await page.Locator("[data-testid=hit-text]").First.InnerTextAsync());

        // Ask in the chat test (as the widget, streamed) and follow a citation to the cited words in the source view (words
        // the curator did not edit, so they stand in the original).
        await page.GotoAsync(Host.Url("/portal/chat"));
        await page.Locator("[data-testid=kb-picker]").SelectOptionAsync(new SelectOptionValue { Label = "support" });
        await page.Locator("[data-testid=question]").FillAsync("At what time of night are firmware updates installed?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask" }).ClickAsync();
        await page.Locator("[data-testid=turn][data-channel=widget] [data-testid=status]").First.WaitForAsync(new() { Timeout = 60_000 });
        await Chromium.ScreenshotAsync(page, "portal-chat");
        Assert.EndsWith("Support answers: check your warranty card.", (await page.Locator("[data-testid=answer]").First.InnerTextAsync()).Trim());
        var citation = page.Locator("[data-testid=citation]").First;
        await citation.WaitForAsync();
        await citation.ClickAsync();
        await page.WaitForURLAsync("**/source?chunk=**");
        await page.Locator("[data-testid=text-highlight]").First.WaitForAsync();

        // A question the knowledge base cannot answer says why: the gate's confidence against its threshold, and the closest passages.
        await page.GotoAsync(Host.Url("/portal/chat"));
        await page.Locator("[data-testid=kb-picker]").SelectOptionAsync(new SelectOptionValue { Label = "support" });
        await page.Locator("[data-testid=question]").FillAsync("Who won the football world cup in 1966?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask" }).ClickAsync();
        var whyNot = page.Locator("[data-testid=turn] [data-testid=why-not-found]");
        await whyNot.Locator("[data-testid=gate-verdict]", new() { HasText = "under this knowledge base's threshold" }).WaitForAsync(new() { Timeout = 60_000 });
        await whyNot.Locator("[data-testid=nothing-near]").WaitForAsync();
        await Chromium.ScreenshotAsync(page, "portal-chat-not-found");

        // Create an API key: shown once, and it works.
        await page.GotoAsync(Host.Url("/portal/api-keys"));
        await page.GetByLabel("Name").FillAsync("crm integration");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secret = await page.Locator("[data-testid=secret]").InnerTextAsync();
        await Chromium.ScreenshotAsync(page, "portal-api-keys");
        using (var client = Host.Client(secret.Trim()))
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/knowledge-bases/support", ct)).StatusCode);
        await page.ReloadAsync();
        await page.Locator("[data-testid=keys]").WaitForAsync();
        Assert.Equal(0, await page.Locator("[data-testid=secret]").CountAsync());
        Assert.DoesNotContain(secret.Trim(), await page.ContentAsync());

        // The question shows on the dashboard.
        await page.GotoAsync(Host.Url("/portal"));
        await page.Locator("[data-testid=asked]").WaitForAsync();
        Assert.True(int.Parse(await page.Locator("[data-testid=asked]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        await page.Locator("[data-testid=activity-chart] .trace.bars").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Chromium.ScreenshotAsync(page, "portal-dashboard");

        // The remaining pages render against the API.
        foreach (var (path, marker, name) in new[]
        {
            ("/portal/policy", "[data-testid=effective-policy]", "portal-policy"),
            ("/portal/widget", "[data-testid=snippet]", "portal-widget"),
            ("/portal/users", "[data-testid=users]", "portal-users"),
            ("/portal/audit", "[data-testid=audit]", "portal-audit"),
        })
        {
            await page.GotoAsync(Host.Url(path));
            await page.Locator(marker).WaitForAsync();
            await Chromium.ScreenshotAsync(page, name);
            if (name == "portal-widget")
            {
                // The snippet a curator copies uses only attributes the served widget reads.
                var snippet = await page.Locator(marker).InnerTextAsync();
                Assert.Contains("widget.js", snippet);
                var script = await (await page.APIRequest.GetAsync(Host.Url("/widget.js"))).TextAsync();
                Assert.All(System.Text.RegularExpressions.Regex.Matches(snippet, "data-[a-z-]+").Select(m => m.Value), attribute => Assert.Contains(attribute, script));
            }
        }
    }

    [Fact]
    public async Task The_tenants_policy_applies_in_the_portal_chat_test_as_each_channel_gets_it_and_is_audited_under_that_channel()
    {
        var ct = TestContext.Current.CancellationToken;
        using var api = Host.Client(Tenant.Key);
        using (var policy = await api.PutAsJsonAsync("/api/v1/policy", new
        {
            template = "customer-service-standard",
            overrides = new { blockedTopics = new[] { "lottery" }, blockedTopicAnswer = "We do not discuss lotteries here.", disclaimer = "Test disclaimer: verify with support." },
        }, PlatformHost.Json, ct))
            Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync(ct));
        using var ask = await api.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/ask", new { question = "Which lottery numbers win?" }, PlatformHost.Json, ct);
        var viaApi = await ask.Content.ReadFromJsonAsync<JsonElement>(PlatformHost.Json, ct);

        await using var context = await chromium.NewContextAsync();
        var page = await SignInAsync(context);
        await page.GotoAsync(Host.Url("/portal/chat"));
        await page.Locator("[data-testid=kb-picker]").WaitForAsync();
        Assert.Equal("refused_by_policy", viaApi.GetProperty("status").GetString());
        foreach (var channel in new[] { "widget", "api", "clinical" })
        {
            await page.Locator($"label[for=channel-{channel}]").ClickAsync();
            await page.Locator("[data-testid=question]").FillAsync("Which lottery numbers win?");
            await page.GetByRole(AriaRole.Button, new() { Name = "Ask" }).ClickAsync();
            var turn = page.Locator($"[data-testid=turn][data-channel={channel}]").First;
            await turn.Locator("[data-testid=status]").WaitForAsync();
            var answer = await turn.Locator("[data-testid=answer]").InnerTextAsync();
            // The clinical API gives the disclaimer in its own field, not in the answer text.
            if (channel != "clinical") Assert.Equal(viaApi.GetProperty("answer").GetString()!.Trim(), answer.Trim());
            Assert.Contains("We do not discuss lotteries here.", answer);
            Assert.Equal("refused_by_policy", (await turn.Locator("[data-testid=status]").InnerTextAsync()).Trim());
        }
        await Chromium.ScreenshotAsync(page, "portal-chat-channels");

        // Each test is audited under the channel it asked as, with the portal user as the actor.
        var audit = await api.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=10", PlatformHost.Json, ct);
        var asked = audit.EnumerateArray().Where(r => r.GetProperty("action").GetString() is "ask" or "answer" && r.GetProperty("actor").GetString()!.StartsWith("user:"))
            .Select(r => (r.GetProperty("action").GetString(), r.GetProperty("channel").GetString())).Reverse().ToArray();
        Assert.Equal([("ask", "widget"), ("ask", "api"), ("answer", "api")], asked);

        // The policy page shows what is in force.
        await page.GotoAsync(Host.Url("/portal/policy"));
        Assert.Contains("lottery", await page.Locator("[data-testid=effective-policy]").InnerTextAsync());
    }

    [Fact]
    public async Task The_widget_preview_is_the_real_widget_with_the_unsaved_settings_answering_as_the_widget_channel()
    {
        var ct = TestContext.Current.CancellationToken;
        using var api = Host.Client(Tenant.Key);
        await PlatformHost.IngestAsync(api, "handbook", "returns.md", "# Returns\n\nUnused items can be returned within 30 days of delivery for a full refund.", ct);

        await using var context = await chromium.NewContextAsync();
        var page = await SignInAsync(context);
        await page.GotoAsync(Host.Url("/portal/widget"));
        await page.Locator("[data-testid=kb-picker]").WaitForAsync();
        await page.GetByLabel("Title").FillAsync("Acme help");
        await page.GetByLabel("Language").SelectOptionAsync("de");
        await page.GetByLabel("Colour").FillAsync("#aa3300");
        await page.GetByLabel("Title").PressAsync("Tab");

        // The preview runs the served /widget.js (its shadow DOM) with the settings being edited, before they are saved.
        var preview = page.FrameLocator("[data-testid=widget-preview]");
        await preview.Locator("kp-chat h2", new() { HasText = "Acme help" }).WaitForAsync();
        Assert.Equal("Ihre Frage", await preview.Locator("kp-chat #kp-input").GetAttributeAsync("placeholder"));
        Assert.Equal("rgb(170, 51, 0)", await preview.Locator("kp-chat header").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

        await preview.Locator("kp-chat #kp-input").FillAsync("How long do I have to return an item?");
        await preview.Locator("kp-chat #kp-input").PressAsync("Enter");
        var answer = preview.Locator("kp-chat .msg.bot[data-status]");
        await answer.WaitForAsync(new() { Timeout = 60_000 });
        Assert.Contains("30 days", await answer.InnerTextAsync());
        await Chromium.ScreenshotAsync(page, "portal-widget-preview");

        // The preview asked as the widget channel, with the curator as the actor.
        var audit = await api.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=ask&limit=1", PlatformHost.Json, ct);
        Assert.Equal("widget", audit[0].GetProperty("channel").GetString());
        Assert.StartsWith("user:", audit[0].GetProperty("actor").GetString());

        // Saved, the settings are what every widget key of the tenant gets.
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await page.GetByText("Widget settings saved").First.WaitForAsync();
        using var created = await api.PostAsJsonAsync("/api/v1/api-keys",
            new { name = "site", kind = "widget", knowledgeBases = new[] { "handbook" }, allowedOrigins = new[] { "https://acme.example" } }, PlatformHost.Json, ct);
        using var widget = Host.Client((await created.Content.ReadFromJsonAsync<JsonElement>(PlatformHost.Json, ct)).GetProperty("secret").GetString()!);
        widget.DefaultRequestHeaders.Add("Origin", "https://acme.example");
        var config = await widget.GetFromJsonAsync<JsonElement>("/api/v1/widget/config", PlatformHost.Json, ct);
        Assert.Equal("Acme help", config.GetProperty("title").GetString());
        Assert.Equal("de", config.GetProperty("language").GetString());
        Assert.Equal("#aa3300", config.GetProperty("primaryColor").GetString());
    }
}
