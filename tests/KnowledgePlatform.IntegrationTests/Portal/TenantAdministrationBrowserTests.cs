using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Playwright;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// A platform operator onboards a clinic on the Tenants page, copies the one-time link, and the clinic's first admin
/// opens it in another browser, sets a password and lands in the portal of their own tenant.
/// </summary>
/// <remarks>The test has a server of its own: the operator creates the clinic under a fixed id.</remarks>
public sealed class TenantAdministrationBrowserTests(Chromium chromium) : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private const string PlatformEmail = "operator@platform.example";
    private const string PlatformKey = "kp_platform_admin_key_for_tenant_browser_tests_01234";

    protected override string? TenantName => null;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Platform:AdminKey"] = PlatformKey };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await PortalSession.CreateUserAsync(Host, PlatformKey, PlatformEmail, "platform-admin", Ct);
    }

    [Fact]
    public async Task An_operator_creates_a_clinic_and_its_first_admin_joins_through_the_link_shown_once()
    {
        await using var operatorContext = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await PortalSession.SignInInBrowserAsync(operatorContext, Host, PlatformEmail);
        await page.GetByRole(AriaRole.Link, new() { Name = "Tenants" }).ClickAsync();
        await page.Locator("[data-testid=tenants]").WaitForAsync();
        await page.FillAsync("#t-id", "riverside");
        await page.FillAsync("#t-name", "Riverside Clinic");
        await page.SelectOptionAsync("#t-template", "medical");
        await page.FillAsync("#t-kb", "guidelines");
        await page.FillAsync("#t-admin", "lead@riverside.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create tenant", Exact = true }).ClickAsync();
        var link = await page.Locator("[data-testid=invitation-link]").InnerTextAsync();
        Assert.StartsWith(Host.Url("/portal/invitation?token="), link, StringComparison.Ordinal);
        Assert.Contains("medical-strict", await page.Locator("[data-testid=tenant-row]", new() { HasText = "riverside" }).InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, "portal-tenants-created");

        await using var invitee = await chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });
        var join = await invitee.NewPageAsync();
        join.SetDefaultTimeout(30_000);
        await join.GotoAsync(link);
        Assert.Contains("lead@riverside.example", await join.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await join.FillAsync("#password", "riverside-lead-password");
        await join.FillAsync("#confirm", "riverside-lead-password");
        await join.ClickAsync("button[type=submit]");
        await join.WaitForURLAsync(url => !url.Contains("/portal/invitation", StringComparison.Ordinal) || url.Contains("error=", StringComparison.Ordinal));
        Assert.True(new Uri(join.Url).AbsolutePath.TrimEnd('/') == "/portal", $"after joining the invitee is at {join.Url}: {await join.Locator("body").InnerTextAsync()}");
        await join.Locator("[data-testid=tenant]").WaitForAsync();
        Assert.Contains("riverside", await join.Locator("[data-testid=tenant]").InnerTextAsync(), StringComparison.Ordinal);

        // The link worked once: opening it again says so.
        var again = await invitee.NewPageAsync();
        await again.GotoAsync(link);
        Assert.Contains("already been used", await again.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        // The operator suspends the clinic with a confirmation; its admin is signed out and told why.
        await page.ClickAsync("[aria-label='Suspend Riverside Clinic']");
        await page.FillAsync("#suspend-reason", "contract ended");
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend riverside", Exact = true }).ClickAsync();
        await page.Locator("[data-testid=tenant-row]", new() { HasText = "suspended" }).WaitForAsync();
        await join.GotoAsync(Host.Url("/portal/knowledge-bases"));
        await join.WaitForURLAsync("**/portal/login?error=suspended");
        Assert.Contains("suspended", await join.Locator("[role=alert]").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, "portal-tenants-suspended");
    }
}
