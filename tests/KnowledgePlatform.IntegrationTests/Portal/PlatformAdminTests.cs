using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>The first platform admin comes from configuration and can switch into any tenant; nobody else can.</summary>
public sealed class PlatformAdminTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private const string AdminEmail = "root@platform.example";
    private const string AdminPassword = "platform-admin-password";

    protected override string TenantName => "clinic";

    protected override string KnowledgeBase => "guidelines";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Portal:Admin:Email"] = AdminEmail,
        ["Portal:Admin:Password"] = AdminPassword,
    };

    private static Task<HttpResponseMessage> SwitchAsync(HttpClient client, string tenant, CancellationToken ct) =>
        PortalSession.PostFormAsync(client, "/portal/account/tenant", new() { ["tenant"] = tenant, ["returnUrl"] = "/portal" }, ct);

    [Fact]
    public async Task The_configured_platform_admin_switches_into_a_tenant_and_works_there()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = await PortalSession.SignInAsync(Host, AdminEmail, ct, AdminPassword);
        Assert.Equal("platform", (await admin.GetFromJsonAsync<JsonElement>("/api/v1/me", ct)).GetProperty("tenantId").GetString());
        var tenants = await admin.GetFromJsonAsync<JsonElement>("/api/v1/tenants", ct);
        Assert.Contains(tenants.EnumerateArray(), t => t.GetProperty("id").GetString() == Tenant.Id);

        using var switched = await SwitchAsync(admin, Tenant.Id, ct);
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/v1/me", ct);
        Assert.Equal(Tenant.Id, me.GetProperty("tenantId").GetString());
        Assert.Contains("platform", me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/knowledge-bases/guidelines", ct)).StatusCode);
    }

    [Fact]
    public async Task A_tenant_admin_can_neither_list_tenants_nor_switch()
    {
        var ct = TestContext.Current.CancellationToken;
        await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("admin"), "tenant-admin", ct);
        using var admin = await PortalSession.SignInAsync(Host, Email("admin"), ct);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/v1/tenants", ct)).StatusCode);

        using var _ = await SwitchAsync(admin, "platform", ct);
        Assert.Equal(Tenant.Id, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/me", ct)).GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task An_api_key_cannot_create_users_in_another_tenant()
    {
        var ct = TestContext.Current.CancellationToken;
        using var key = Host.Client(Tenant.Key);
        using var response = await key.PostAsJsonAsync("/api/v1/users", new { email = "x@platform.example", password = PortalSession.Password, role = "viewer", tenant = "platform" }, ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
