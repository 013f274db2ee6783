using KnowledgePlatform.IntegrationTests.Portal;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>
/// A curator adds a web source in the portal (Chromium) and watches it sync live, reads its history, pauses it and
/// removes it with its documents. Screenshots: portal-sources-syncing, portal-sources-history.
/// </summary>
public sealed class SourceSyncBrowserTests(SqlitePlatform platform, Chromium chromium) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private LoopbackSite _site = null!;

    protected override string KnowledgeBase => "help";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = SourceClient.Settings();

    private string Curator => Email("curator");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await PortalSession.CreateUserAsync(Host, Tenant.Key, Curator, "curator", Ct);
        _site = await LoopbackSite.StartAsync();
        for (var i = 0; i < 6; i++) _site.Set($"/help/topic-{i}", LoopbackSite.Html($"Topic {i}", $"Thermo alert A{i + 1} means the sensor {i} needs attention."));
        _site.SetSitemap("/help/sitemap.xml", Enumerable.Range(0, 6).Select(i => $"/help/topic-{i}"));
        // Slow enough to watch the progress bar move.
        _site.Delay = TimeSpan.FromMilliseconds(400);
    }

    public override async ValueTask DisposeAsync()
    {
        await _site.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_curator_adds_a_web_source_watches_it_sync_and_removes_it_with_its_documents()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        try
        {
            await page.GotoAsync(Host.Url("/portal/knowledge-bases/help/sources"));
            await page.WaitForURLAsync("**/portal/login**");
            await page.GetByLabel("E-mail").FillAsync(Curator);
            await page.GetByLabel("Password").FillAsync(PortalSession.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitForURLAsync("**/portal/knowledge-bases/help/sources");
            await page.GetByText("No sources yet.").WaitForAsync();

            var form = page.Locator("[data-testid=source-form]");
            await form.GetByLabel("Name").FillAsync("Help centre");
            await form.GetByLabel("Start page or sitemap.xml").FillAsync(_site.Url("/help/sitemap.xml"));
            await form.GetByLabel("Pause between requests (ms)").FillAsync("0");
            await form.GetByRole(AriaRole.Button, new() { Name = "Add and sync now" }).ClickAsync();

            // Pushed over the hub while it runs, then when it ends: no reload.
            var row = page.Locator("[data-testid=source-row][data-name='Help centre']");
            await row.Locator("[data-testid=sync-status][data-status=running]").WaitForAsync();
            await row.GetByRole(AriaRole.Progressbar).WaitForAsync();
            await Chromium.ScreenshotAsync(page, "portal-sources-syncing");
            await row.Locator("[data-testid=sync-status][data-status=succeeded]").WaitForAsync(new() { Timeout = 60_000 });
            await row.GetByText("6 added").WaitForAsync();

            await row.GetByRole(AriaRole.Button, new() { Name = "History of Help centre" }).ClickAsync();
            await row.Locator("[data-testid=sync-run][data-status=succeeded]").WaitForAsync();
            await row.GetByRole(AriaRole.Button, new() { Name = "Changes of the sync" }).First.ClickAsync();
            await row.Locator("[data-testid=sync-changes] tr[data-outcome=added]").Nth(5).WaitForAsync();
            await Chromium.ScreenshotAsync(page, "portal-sources-history");

            await row.GetByRole(AriaRole.Button, new() { Name = "Pause Help centre" }).ClickAsync();
            await row.GetByText("paused", new() { Exact = true }).WaitForAsync();
            Assert.True(await row.GetByRole(AriaRole.Button, new() { Name = "Sync Help centre now" }).IsDisabledAsync());
            await row.GetByRole(AriaRole.Button, new() { Name = "Resume Help centre" }).ClickAsync();

            // The synced pages are documents of the knowledge base.
            await page.GotoAsync(Host.Url("/portal/knowledge-bases/help/documents"));
            await page.Locator("[data-testid=document-row]").Nth(5).WaitForAsync();
            Assert.Equal(6, await page.Locator("[data-testid=document-row]").CountAsync());

            await page.GotoAsync(Host.Url("/portal/knowledge-bases/help/sources"));
            await row.GetByRole(AriaRole.Button, new() { Name = "Remove Help centre" }).ClickAsync();
            await row.GetByRole(AriaRole.Button, new() { Name = "Remove with its documents" }).ClickAsync();
            await page.GetByText("No sources yet.").WaitForAsync();
            await page.GotoAsync(Host.Url("/portal/knowledge-bases/help/documents"));
            await page.GetByText("No documents yet.").WaitForAsync();
        }
        catch
        {
            await Chromium.ScreenshotAsync(page, "failure-sources");
            throw;
        }
    }
}
