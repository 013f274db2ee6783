using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>A tenant admin reads the audit log in Chromium: people by e-mail, changes in words, details that unfold, filters and a CSV export.</summary>
public sealed class AuditLogBrowserTests(Chromium chromium) : IAsyncLifetime
{
    private const string Email = "lead@shop.example";
    private readonly PlatformHost _host = new(PlatformHost.NewDataPath());

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var key = await _host.CreateTenantAsync("shop", "support", ct);
        await PortalSession.CreateUserAsync(_host, key, Email, "tenant-admin", ct);
        using var lead = await PortalSession.SignInAsync(_host, Email, ct);
        using var upload = await PlatformHost.UploadAsync(lead, "support", "returns.md", "# Returns\n\nReturns are free within 30 days.", ct);
        upload.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_tenant_admin_sees_who_changed_what_unfolds_the_details_filters_and_exports_csv()
    {
        await using var context = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(_host.Url("/portal/audit"));
        await page.WaitForURLAsync("**/portal/login**");
        await page.GetByLabel("E-mail").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(PortalSession.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/portal/audit", new() { WaitUntil = WaitUntilState.Commit });

        var upload = page.Locator("[data-testid=audit-row][data-action='document.uploaded']");
        await upload.WaitForAsync();
        Assert.Equal(Email, (await upload.Locator("[data-testid=audit-actor]").InnerTextAsync()).Trim());
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
