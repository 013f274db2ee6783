using System.Text.RegularExpressions;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>A curator disables a chunk in the portal's chunk browser (decision 0052) and the playground no longer finds it.</summary>
public sealed partial class ChunkDisableBrowserTests(SqlitePlatform platform, Chromium chromium) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private string _documentId = "";

    protected override string KnowledgeBase => "handbook";

    private string _curator = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _curator = await NewPortalUserAsync("curator", "curator");
        var document = await PlatformHost.IngestAsync(Admin, "handbook", "office.md",
            "# Office\n\n## Hours\nThe office opens at nine in the morning.\n\n## Parking\nStaff park their bicycles in the quokka shed behind the building.", Ct);
        _documentId = document.GetProperty("id").GetString()!;
    }

    [GeneratedRegex(@"\d+ results in")]
    private static partial Regex ResultCount();

    private static async Task<ILocator> SearchAsync(IPage page, string query)
    {
        await page.Locator("[data-testid=kb-picker]").SelectOptionAsync(new SelectOptionValue { Label = "handbook" });
        await page.Locator("[data-testid=query]").FillAsync(query);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.GetByText(ResultCount()).WaitForAsync();
        return page.Locator("[data-testid=hit-text]");
    }

    [Fact]
    public async Task A_chunk_disabled_in_the_chunk_browser_is_greyed_and_no_longer_found_in_the_playground()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(Host.Url($"/portal/documents/{_documentId}/chunks"));
        await page.WaitForURLAsync("**/portal/login**");
        await page.GetByLabel("E-mail").FillAsync(_curator);
        await page.GetByLabel("Password").FillAsync(PortalSession.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Commit, not load: the chunk list is awaited below, so a slow script load on a busy machine cannot time this out.
        await page.WaitForURLAsync("**/chunks**", new() { WaitUntil = WaitUntilState.Commit });

        var parking = page.Locator("[data-testid=chunk]", new() { HasText = "quokka shed" });
        Assert.Equal("true", await parking.GetAttributeAsync("data-enabled"));
        await parking.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await page.Locator("[data-testid=chunk][data-enabled=false]", new() { HasText = "quokka shed" }).WaitForAsync();
        await page.GetByText("Chunk disabled: it is no longer retrieved").First.WaitForAsync();
        Assert.True(await parking.GetByText("Disabled", new() { Exact = true }).IsVisibleAsync());
        Assert.True(await parking.GetByRole(AriaRole.Button, new() { Name = "Enable" }).IsVisibleAsync());
        Assert.Equal("true", await page.Locator("[data-testid=chunk]", new() { HasText = "opens at nine" }).GetAttributeAsync("data-enabled"));
        await Chromium.ScreenshotAsync(page, "portal-chunk-disabled");

        await page.GotoAsync(Host.Url("/portal/playground"));
        var hits = await SearchAsync(page, "bicycles quokka shed");
        Assert.DoesNotContain(await hits.AllInnerTextsAsync(), t => t.Contains("quokka shed"));

        // Enabled again, it is found again.
        await page.GotoAsync(Host.Url($"/portal/documents/{_documentId}/chunks"));
        await parking.GetByRole(AriaRole.Button, new() { Name = "Enable" }).ClickAsync();
        await page.Locator("[data-testid=chunk][data-enabled=true]", new() { HasText = "quokka shed" }).WaitForAsync();
        await page.GotoAsync(Host.Url("/portal/playground"));
        hits = await SearchAsync(page, "bicycles quokka shed");
        Assert.Contains(await hits.AllInnerTextsAsync(), t => t.Contains("quokka shed"));
    }
}
