using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// Two tenants' admins in two separate browsers (no shared cookies), signing in one after the other and walking every
/// portal page in turn: each page shows only its own tenant's data. Every page visit is a counted portal probe.
/// </summary>
public sealed class PortalTenantIsolationBrowserTests(Chromium chromium) : TwoTenantPortalTest
{
    /// <summary>What a page shows in its main area: its text, and the values of its fields and the options of its lists.</summary>
    private const string Shown = """
        () => {
          const main = document.querySelector('main');
          if (!main) return '';
          const fields = [...main.querySelectorAll('input, textarea, select')].map(e => e.value);
          const options = [...main.querySelectorAll('option')].map(o => o.textContent);
          return [main.innerText, ...fields, ...options].join('\n');
        }
        """;

    /// <summary>Every portal page, with what of its own tenant it must show once loaded.</summary>
    private static IEnumerable<(string Path, string Own)> Pages(PortalTenant t) =>
    [
        ("/portal", $"{t.Word} submarine"),
        ("/portal/knowledge-bases", t.KnowledgeBase),
        ($"/portal/knowledge-bases/{t.KnowledgeBase}/documents", $"{t.Word}-notes.md"),
        ($"/portal/documents/{t.DocumentId}/chunks", $"{t.Word} office opens"),
        ("/portal/playground", t.KnowledgeBase),
        ("/portal/chat", t.KnowledgeBase),
        ("/portal/policy", $"{t.Word}-astrology"),
        ("/portal/api-keys", $"{t.Word}-integration"),
        ("/portal/widget", $"{t.Word} helper"),
        ("/portal/users", t.AdminEmail),
        ("/portal/audit", $"{t.Word} submarine"),
    ];

    private async Task<IPage> SignInAsync(IBrowserContext context, PortalTenant tenant)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(Host.Url("/portal/login"));
        await page.GetByLabel("E-mail").FillAsync(tenant.AdminEmail);
        await page.GetByLabel("Password").FillAsync(PortalSession.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/portal", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        return page;
    }

    /// <summary>Opens a page, waits until its own data is there (or the time is up), and returns a leak when the other tenant's data shows.</summary>
    private async Task<string?> VisitAsync(IPage page, PortalTenant tenant, PortalTenant other, string path, string own)
    {
        await page.GotoAsync(Host.Url(path));
        await page.Locator("main h1").First.WaitForAsync();
        try
        {
            await page.WaitForFunctionAsync($"() => ({Shown})().includes({System.Text.Json.JsonSerializer.Serialize(own)})", null, new() { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            // Judged below: a page that shows the other tenant's data instead of its own is the leak to report.
        }
        var shown = await page.EvaluateAsync<string>(Shown);
        if (shown.Contains(other.Word, StringComparison.OrdinalIgnoreCase))
        {
            await Chromium.ScreenshotAsync(page, $"failure-portal-isolation-{tenant.Word}-{path.Trim('/').Replace('/', '-')}");
            return $"{tenant.Word} on {path} saw {other.Word}'s data";
        }
        if (!shown.Contains(own, StringComparison.OrdinalIgnoreCase)) return $"{tenant.Word} on {path} did not see its own '{own}'";
        return null;
    }

    private const string Question = "When does the office open?";

    private async Task<string?> AskInChatTestAsync(IPage page, PortalTenant tenant, PortalTenant other)
    {
        await page.GotoAsync(Host.Url("/portal/chat"));
        await page.Locator("[data-testid=kb-picker]").WaitForAsync();
        await page.Locator("label[for=channel-widget]").ClickAsync();
        await page.Locator("[data-testid=question]").FillAsync(Question);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask" }).ClickAsync();
        var turn = page.Locator("[data-testid=turn]").First;
        await turn.Locator("[data-testid=status]").WaitForAsync();
        return Judge(tenant, other, "the chat test", await turn.InnerTextAsync());
    }

    private async Task<string?> AskInWidgetPreviewAsync(IPage page, PortalTenant tenant, PortalTenant other)
    {
        await page.GotoAsync(Host.Url("/portal/widget"));
        var preview = page.FrameLocator("[data-testid=widget-preview]");
        // The preview keeps its conversation across page loads: this ask's answer is the one after those already there.
        // The portal may render the preview's frame again while it loads (a new frame, an empty input): the question is
        // typed until the frame shows it asked.
        var answers = preview.Locator("kp-chat .msg.bot[data-status]");
        var asked = preview.Locator("kp-chat .msg.user");
        int before;
        var attempts = 0;
        do
        {
            await preview.Locator("kp-chat #kp-input").WaitForAsync();
            before = await answers.CountAsync();
            var questions = await asked.CountAsync();
            await preview.Locator("kp-chat #kp-input").FillAsync(Question);
            await preview.Locator("kp-chat #kp-input").PressAsync("Enter");
            try { await asked.Nth(questions).WaitForAsync(new() { Timeout = 10_000 }); break; }
            catch (TimeoutException) when (++attempts < 3) { }
        }
        while (true);
        var answer = answers.Nth(before);
        await answer.WaitForAsync(new() { Timeout = 60_000 });
        return Judge(tenant, other, "the widget preview", await answer.InnerTextAsync());
    }

    private static string? Judge(PortalTenant tenant, PortalTenant other, string where, string answer) =>
        answer.Contains(other.Word, StringComparison.OrdinalIgnoreCase) ? $"{tenant.Word} in {where} got {other.Word}'s answer: {answer}"
        : !answer.Contains(tenant.Word, StringComparison.OrdinalIgnoreCase) ? $"{tenant.Word} in {where} did not get its own answer: {answer}"
        : null;

    [Fact]
    public async Task Two_tenants_admins_signed_in_one_after_the_other_each_see_only_their_own_data_on_every_page()
    {
        await using var first = await chromium.NewContextAsync();
        await using var second = await chromium.NewContextAsync();
        var probes = 0;
        var leaks = new List<string>();

        // The clinic's admin signs in and walks every page; then the other tenant's admin does, in a separate browser.
        var orchid = await SignInAsync(first, Orchid);
        foreach (var (path, own) in Pages(Orchid))
        {
            probes++;
            if (await VisitAsync(orchid, Orchid, Walrus, path, own) is { } leak) leaks.Add(leak);
        }
        var walrus = await SignInAsync(second, Walrus);
        foreach (var (path, own) in Pages(Walrus))
        {
            probes++;
            if (await VisitAsync(walrus, Walrus, Orchid, path, own) is { } leak) leaks.Add(leak);
        }

        // Then page by page, alternating between the two browsers.
        foreach (var ((path, own), (otherPath, otherOwn)) in Pages(Orchid).Zip(Pages(Walrus)))
        {
            probes += 2;
            if (await VisitAsync(orchid, Orchid, Walrus, path, own) is { } a) leaks.Add(a);
            if (await VisitAsync(walrus, Walrus, Orchid, otherPath, otherOwn) is { } b) leaks.Add(b);
        }

        // The server-side chat test (the portal's client, streaming as the widget) and the widget preview (the curator's
        // browser asking with its own sign-in), asked in turn: each answer comes from the asker's own knowledge base.
        foreach (var (page, tenant, other) in new[] { (orchid, Orchid, Walrus), (walrus, Walrus, Orchid), (orchid, Orchid, Walrus), (walrus, Walrus, Orchid) })
        {
            probes += 2;
            if (await AskInChatTestAsync(page, tenant, other) is { } a) leaks.Add(a);
            if (await AskInWidgetPreviewAsync(page, tenant, other) is { } b) leaks.Add(b);
        }

        var summary = $"{probes} portal page probes (two tenants' browsers interleaved), {leaks.Count} leaks";
        TestSummary.Report(summary);
        Assert.True(leaks.Count == 0, summary + ":\n" + string.Join("\n", leaks));
    }
}
