using System.Text.RegularExpressions;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>A curator disables a chunk in the portal's chunk browser (decision 0052) and the playground no longer finds it.</summary>
public sealed partial class ChunkDisableBrowserTests(Chromium chromium) : IAsyncLifetime
{
    private const string Email = "curator@acme.example";
    private readonly PlatformHost _host = new(PlatformHost.NewDataPath());
    private string _documentId = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = await _host.CreateTenantAsync("acme", "handbook", ct);
        await PortalSession.CreateUserAsync(_host, key, Email, "curator", ct);
        using var client = _host.Client(key);
        var document = await PlatformHost.IngestAsync(client, "handbook", "office.md",
            "# Office\n\n## Hours\nThe office opens at nine in the morning.\n\n## Parking\nStaff park their bicycles in the quokka shed behind the building.", ct);
        _documentId = document.GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

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
        await page.GotoAsync(_host.Url($"/portal/documents/{_documentId}/chunks"));
        await page.WaitForURLAsync("**/portal/login**");
        await page.GetByLabel("E-mail").FillAsync(Email);
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

        await page.GotoAsync(_host.Url("/portal/playground"));
        var hits = await SearchAsync(page, "bicycles quokka shed");
        Assert.DoesNotContain(await hits.AllInnerTextsAsync(), t => t.Contains("quokka shed"));

        // Enabled again, it is found again.
        await page.GotoAsync(_host.Url($"/portal/documents/{_documentId}/chunks"));
        await parking.GetByRole(AriaRole.Button, new() { Name = "Enable" }).ClickAsync();
        await page.Locator("[data-testid=chunk][data-enabled=true]", new() { HasText = "quokka shed" }).WaitForAsync();
        await page.GotoAsync(_host.Url("/portal/playground"));
        hits = await SearchAsync(page, "bicycles quokka shed");
        Assert.Contains(await hits.AllInnerTextsAsync(), t => t.Contains("quokka shed"));
    }
}
