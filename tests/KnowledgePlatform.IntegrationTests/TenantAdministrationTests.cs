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
public abstract class TenantAdministrationTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : TenantAdministrationTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : TenantAdministrationTests(TestDatabase.Postgres(server));

    private const string PlatformKey = "kp_platform_admin_key_for_tenant_admin_tests_012345";
    private const string AdminEmail = "head.nurse@clinic.example";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private HttpClient _platform = null!;

    public async ValueTask InitializeAsync()
    {
        await database.CreateAsync(_data, _ct);
        _host = new PlatformHost(_data, database.With(new Dictionary<string, string> { ["Platform:AdminKey"] = PlatformKey }));
        _platform = _host.Client(PlatformKey);
    }

    public async ValueTask DisposeAsync()
    {
        _platform.Dispose();
        await _host.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<JsonElement> CreateClinicAsync()
    {
        using var created = await _platform.PostAsJsonAsync("/api/v1/platform/tenants",
            new { id = "clinic", name = "Riverside Clinic", template = "medical", knowledgeBase = "guidelines", adminEmail = AdminEmail }, _ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return await created.Content.ReadFromJsonAsync<JsonElement>(_ct);
    }

    /// <summary>A client without a cookie yet that follows no redirects, so each answer can be checked.</summary>
    private HttpClient Browser()
    {
        using var plain = _host.Client();
        return new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = plain.BaseAddress };
    }

    private async Task<HttpResponseMessage> AcceptAsync(HttpClient browser, string link, string password, string? confirm = null) =>
        await PortalSession.PostFormAsync(browser, "/portal/account/invitation",
            new() { ["token"] = new Uri(link).Query.Split("token=")[1], ["password"] = password, ["confirm"] = confirm ?? password, ["displayName"] = "Head Nurse" }, _ct);

    [Fact]
    public async Task A_tenant_created_from_the_medical_template_gets_its_policy_and_vertical_and_its_admin_joins_once_through_the_link()
    {
        var created = await CreateClinicAsync();
        Assert.Equal("medical-strict", created.GetProperty("tenant").GetProperty("policyTemplate").GetString());
        var link = created.GetProperty("invitation").GetProperty("link").GetString()!;
        Assert.Contains("/portal/invitation?token=", link, StringComparison.Ordinal);

        using var browser = Browser();
        var page = await browser.GetStringAsync(new Uri(link).PathAndQuery, _ct);
        Assert.Contains(AdminEmail, page, StringComparison.Ordinal);
        using (var mismatch = await AcceptAsync(browser, link, PortalSession.Password, "something-else-entirely"))
            Assert.Contains("error=", mismatch.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using (var accepted = await AcceptAsync(browser, link, PortalSession.Password))
            Assert.Equal("/portal", accepted.Headers.Location?.OriginalString);

        // Signed in as the clinic's admin: its knowledge base is medical, its policy the medical template.
        var kb = await browser.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/guidelines", _ct);
        Assert.Equal("medical", kb.GetProperty("vertical").GetString());
        Assert.Equal("medical-strict", (await browser.GetFromJsonAsync<JsonElement>("/api/v1/policy", _ct)).GetProperty("effective").GetProperty("name").GetString());
        var users = await browser.GetFromJsonAsync<JsonElement>("/api/v1/users", _ct);
        Assert.Equal("tenant-admin", users.EnumerateArray().Single(u => u.GetProperty("email").GetString() == AdminEmail).GetProperty("role").GetString());

        // The link works once.
        using var again = Browser();
        Assert.Contains("already been used", await again.GetStringAsync(new Uri(link).PathAndQuery, _ct), StringComparison.Ordinal);
        using (var reused = await AcceptAsync(again, link, "another-password-123"))
            Assert.Equal("/portal/login?error=invitation_used", reused.Headers.Location?.OriginalString);
        var invitations = await _platform.GetFromJsonAsync<JsonElement>("/api/v1/platform/tenants/clinic/invitations", _ct);
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
        using (var created = await browser.PostAsJsonAsync("/api/v1/api-keys", new { name = "ehr" }, _ct))
            key = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("secret").GetString()!;
        using var clinic = _host.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await clinic.GetAsync("/api/v1/knowledge-bases", _ct)).StatusCode);

        using (var suspended = await _platform.PostAsJsonAsync("/api/v1/platform/tenants/clinic/suspend", new { reason = "invoice overdue" }, _ct))
            Assert.NotEqual(JsonValueKind.Null, (await suspended.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("suspendedAt").ValueKind);
        foreach (var client in new[] { clinic, browser })
        {
            using var refused = await client.GetAsync("/api/v1/knowledge-bases", _ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(_ct);
            Assert.Equal("tenant_suspended", problem.GetProperty("code").GetString());
            Assert.Contains("invoice overdue", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        using (var portal = await browser.GetAsync("/portal", _ct))
            Assert.Equal("/portal/login?error=suspended", portal.Headers.Location?.OriginalString);
        using (var signIn = await PortalSession.PostFormAsync(Browser(), "/portal/account/login", new() { ["email"] = AdminEmail, ["password"] = PortalSession.Password, ["returnUrl"] = "/portal" }, _ct))
            Assert.Equal("/portal/login?error=suspended", signIn.Headers.Location?.OriginalString);

        using (var resumed = await _platform.PostAsync("/api/v1/platform/tenants/clinic/resume", null, _ct))
            resumed.EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await clinic.GetAsync("/api/v1/knowledge-bases", _ct)).StatusCode);
        using var again = await PortalSession.SignInAsync(_host, AdminEmail, _ct);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/v1/knowledge-bases", _ct)).StatusCode);

        var audit = await _platform.GetFromJsonAsync<JsonElement>("/api/v1/audit", _ct);
        var actions = audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToList();
        Assert.Contains("tenant.create", actions);
        Assert.Contains("tenant.suspend", actions);
        Assert.Contains("tenant.resume", actions);
    }

    [Fact]
    public async Task Creating_a_tenant_refuses_a_taken_id_an_unknown_template_and_the_platform_tenant_cannot_be_suspended_or_deleted()
    {
        await CreateClinicAsync();
        using (var taken = await _platform.PostAsJsonAsync("/api/v1/platform/tenants", new { id = "clinic" }, _ct))
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        using (var unknown = await _platform.PostAsJsonAsync("/api/v1/platform/tenants", new { id = "shop", template = "casino" }, _ct))
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        using (var badId = await _platform.PostAsJsonAsync("/api/v1/platform/tenants", new { id = "Shop Ltd" }, _ct))
            Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        using (var suspend = await _platform.PostAsync("/api/v1/platform/tenants/platform/suspend", null, _ct))
            Assert.Equal(HttpStatusCode.Conflict, suspend.StatusCode);
        using (var delete = await _platform.DeleteAsync("/api/v1/platform/tenants/platform", _ct))
            Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        var tenants = await _platform.GetFromJsonAsync<JsonElement>("/api/v1/platform/tenants", _ct);
        Assert.Equal(["clinic", "platform"], tenants.EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToArray());
    }
}
