using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>A tenant admin reads the audit log in Chromium: people by e-mail, changes in words, details that unfold, filters and a CSV export.</summary>
public sealed class AuditLogBrowserTests(SqlitePlatform platform, Chromium chromium) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    protected override string TenantName => "shop";

    private string _lead = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _lead = await NewPortalUserAsync("lead", "tenant-admin");
        using var lead = await PortalSession.SignInAsync(Host, _lead, Ct);
        using var upload = await PlatformHost.UploadAsync(lead, "support", "returns.md", "# Returns\n\nReturns are free within 30 days.", Ct);
        upload.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_tenant_admin_sees_who_changed_what_unfolds_the_details_filters_and_exports_csv()
    {
        await using var context = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(Host.Url("/portal/audit"));
        await page.WaitForURLAsync("**/portal/login**");
        await page.GetByLabel("E-mail").FillAsync(_lead);
        await page.GetByLabel("Password").FillAsync(PortalSession.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/portal/audit", new() { WaitUntil = WaitUntilState.Commit });

        var upload = page.Locator("[data-testid=audit-row][data-action='document.uploaded']");
        await upload.WaitForAsync();
        Assert.Equal(_lead, (await upload.Locator("[data-testid=audit-actor]").InnerTextAsync()).Trim());
        Assert.Contains("returns.md", await upload.Locator("[data-testid=audit-summary]").InnerTextAsync());
        Assert.DoesNotContain("user:", await page.Locator("[data-testid=audit]").InnerTextAsync());
        await upload.GetByText("Details").ClickAsync();
        await upload.Locator("pre", new() { HasText = "\"fileName\": \"returns.md\"" }).WaitForAsync();
        await Chromium.ScreenshotAsync(page, "portal-audit-log");

        // The knowledge-base family leaves the upload out; its creation stays.
        await page.Locator("#a-action").SelectOptionAsync("knowledge_base.*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.Locator("[data-testid=audit-row][data-action='document.uploaded']").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.All(await page.Locator("[data-testid=audit-row]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.action)"),
            action => Assert.StartsWith("knowledge_base.", action));

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=audit-export]").ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.StartsWith("at,actor,actor_name,channel,action", csv.TrimStart('\uFEFF'));
        Assert.Contains("knowledge_base.created", csv);
        Assert.DoesNotContain("document.uploaded", csv);
    }
}
