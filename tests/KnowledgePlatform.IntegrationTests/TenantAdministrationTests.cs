using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Portal;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// A platform admin onboards a clinic from the medical template, its first admin joins through the one-time link,
/// and suspending the tenant refuses its keys and portal users until it is resumed.
/// </summary>
/// <remarks>Each test has a server of its own: they list every tenant of the server and the platform's audit.</remarks>
public abstract class TenantAdministrationTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite() : TenantAdministrationTests(TestPlatform.Owned(TestDatabase.Sqlite()));

    public sealed class OnPostgres(PostgresServer server) : TenantAdministrationTests(TestPlatform.Owned(TestDatabase.Postgres(server)));

    private const string PlatformKey = "kp_platform_admin_key_for_tenant_admin_tests_012345";
    private const string AdminEmail = "head.nurse@clinic.example";
    private HttpClient _platform = null!;

    protected override string? TenantName => null;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Platform:AdminKey"] = PlatformKey };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _platform = Client(PlatformKey);
    }

    private async Task<JsonElement> CreateClinicAsync()
    {
        using var created = await _platform.PostAsJsonAsync("/api/v1/platform/tenants",
            new { id = "clinic", name = "Riverside Clinic", template = "medical", knowledgeBase = "guidelines", adminEmail = AdminEmail }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>A client without a cookie yet that follows no redirects, so each answer can be checked.</summary>
    private HttpClient Browser()
    {
        using var plain = Host.Client();
        return new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = plain.BaseAddress };
    }

    private async Task<HttpResponseMessage> AcceptAsync(HttpClient browser, string link, string password, string? confirm = null) =>
        await PortalSession.PostFormAsync(browser, "/portal/account/invitation",
            new() { ["token"] = new Uri(link).Query.Split("token=")[1], ["password"] = password, ["confirm"] = confirm ?? password, ["displayName"] = "Head Nurse" }, Ct);

    [Fact]
    public async Task A_tenant_created_from_the_medical_template_gets_its_policy_and_vertical_and_its_admin_joins_once_through_the_link()
    {
        var created = await CreateClinicAsync();
        Assert.Equal("medical-strict", created.GetProperty("tenant").GetProperty("policyTemplate").GetString());
        var link = created.GetProperty("invitation").GetProperty("link").GetString()!;
        Assert.Contains("/portal/invitation?token=", link, StringComparison.Ordinal);

        using var browser = Browser();
        var page = await browser.GetStringAsync(new Uri(link).PathAndQuery, Ct);
        Assert.Contains(AdminEmail, page, StringComparison.Ordinal);
        using (var mismatch = await AcceptAsync(browser, link, PortalSession.Password, "something-else-entirely"))
            Assert.Contains("error=", mismatch.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using (var accepted = await AcceptAsync(browser, link, PortalSession.Password))
            Assert.Equal("/portal", accepted.Headers.Location?.OriginalString);

        // Signed in as the clinic's admin: its knowledge base is medical, its policy the medical template.
        var kb = await browser.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/guidelines", Ct);
        Assert.Equal("medical", kb.GetProperty("vertical").GetString());
        Assert.Equal("medical-strict", (await browser.GetFromJsonAsync<JsonElement>("/api/v1/policy", Ct)).GetProperty("effective").GetProperty("name").GetString());
        var users = await browser.GetFromJsonAsync<JsonElement>("/api/v1/users", Ct);
        Assert.Equal("tenant-admin", users.EnumerateArray().Single(u => u.GetProperty("email").GetString() == AdminEmail).GetProperty("role").GetString());

        // The link works once.
        using var again = Browser();
        Assert.Contains("already been used", await again.GetStringAsync(new Uri(link).PathAndQuery, Ct), StringComparison.Ordinal);
        using (var reused = await AcceptAsync(again, link, "another-password-123"))
            Assert.Equal("/portal/login?error=invitation_used", reused.Headers.Location?.OriginalString);
        var invitations = await _platform.GetFromJsonAsync<JsonElement>("/api/v1/platform/tenants/clinic/invitations", Ct);
        Assert.NotEqual(JsonValueKind.Null, invitations[0].GetProperty("acceptedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, invitations[0].GetProperty("link").ValueKind);
    }

    [Fact]
    public async Task A_suspended_tenants_keys_and_portal_users_are_refused_until_it_is_resumed()
    {
        var link = (await CreateClinicAsync()).GetProperty("invitation").GetProperty("link").GetString()!;
        using var browser = Browser();
        using (await AcceptAsync(browser, link, PortalSession.Password)) { }
        string key;
        using (var created = await browser.PostAsJsonAsync("/api/v1/api-keys", new { name = "ehr" }, Ct))
            key = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;
        using var clinic = Host.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await clinic.GetAsync("/api/v1/knowledge-bases", Ct)).StatusCode);

        using (var suspended = await _platform.PostAsJsonAsync("/api/v1/platform/tenants/clinic/suspend", new { reason = "invoice overdue" }, Ct))
            Assert.NotEqual(JsonValueKind.Null, (await suspended.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("suspendedAt").ValueKind);
        foreach (var client in new[] { clinic, browser })
        {
            using var refused = await client.GetAsync("/api/v1/knowledge-bases", Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("tenant_suspended", problem.GetProperty("code").GetString());
            Assert.Contains("invoice overdue", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        using (var portal = await browser.GetAsync("/portal", Ct))
            Assert.Equal("/portal/login?error=suspended", portal.Headers.Location?.OriginalString);
        using (var signIn = await PortalSession.PostFormAsync(Browser(), "/portal/account/login", new() { ["email"] = AdminEmail, ["password"] = PortalSession.Password, ["returnUrl"] = "/portal" }, Ct))
            Assert.Equal("/portal/login?error=suspended", signIn.Headers.Location?.OriginalString);

        using (var resumed = await _platform.PostAsync("/api/v1/platform/tenants/clinic/resume", null, Ct))
            resumed.EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await clinic.GetAsync("/api/v1/knowledge-bases", Ct)).StatusCode);
        using var again = await PortalSession.SignInAsync(Host, AdminEmail, Ct);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/v1/knowledge-bases", Ct)).StatusCode);

        var audit = await _platform.GetFromJsonAsync<JsonElement>("/api/v1/audit", Ct);
        var actions = audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToList();
        Assert.Contains("tenant.create", actions);
        Assert.Contains("tenant.suspend", actions);
        Assert.Contains("tenant.resume", actions);
    }

    [Fact]
    public async Task Creating_a_tenant_refuses_a_taken_id_an_unknown_template_and_the_platform_tenant_cannot_be_suspended_or_deleted()
    {
        await CreateClinicAsync();
        using (var taken = await _platform.PostAsJsonAsync("/api/v1/platform/tenants", new { id = "clinic" }, Ct))
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        using (var unknown = await _platform.PostAsJsonAsync("/api/v1/platform/tenants", new { id = "shop", template = "casino" }, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        using (var badId = await _platform.PostAsJsonAsync("/api/v1/platform/tenants", new { id = "Shop Ltd" }, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        using (var suspend = await _platform.PostAsync("/api/v1/platform/tenants/platform/suspend", null, Ct))
            Assert.Equal(HttpStatusCode.Conflict, suspend.StatusCode);
        using (var delete = await _platform.DeleteAsync("/api/v1/platform/tenants/platform", Ct))
            Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        var tenants = await _platform.GetFromJsonAsync<JsonElement>("/api/v1/platform/tenants", Ct);
        Assert.Equal(["clinic", "platform"], tenants.EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToArray());
    }
}
