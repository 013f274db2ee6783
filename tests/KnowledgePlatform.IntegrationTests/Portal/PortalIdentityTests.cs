using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>Portal users sign in with a cookie that carries the same tenant and scope claims as an API key.</summary>
public sealed class PortalIdentityTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private TestTenant _b = null!;

    protected override string TenantName => "tenant-a";

    protected override string KnowledgeBase => "handbook";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _b = await NewTenantAsync("tenant-b", "secrets");
    }

    [Fact]
    public async Task A_viewer_can_read_but_cannot_ingest()
    {
        await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("viewer"), "viewer", Ct);
        using var viewer = await PortalSession.SignInAsync(Host, Email("viewer"), Ct);

        using var list = await viewer.GetAsync("/api/v1/knowledge-bases", Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var upload = await PlatformHost.UploadAsync(viewer, "handbook", "notes.md", "# Notes\n\nSomething to ingest.", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        var problem = await upload.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("insufficient_scope", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_curator_ingests_and_the_portal_channel_is_audited()
    {
        await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("curator"), "curator", Ct);
        using var curator = await PortalSession.SignInAsync(Host, Email("curator"), Ct);
        using var upload = await PlatformHost.UploadAsync(curator, "handbook", "notes.md", "# Notes\n\nThe office opens at nine.", Ct);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);

        var me = await curator.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        Assert.Equal(Tenant.Id, me.GetProperty("tenantId").GetString());
        Assert.Equal("portal", me.GetProperty("channel").GetString());
        Assert.Equal(["read", "ask", "ingest"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("admin"), "tenant-admin", Ct);
        using var admin = await PortalSession.SignInAsync(Host, Email("admin"), Ct);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/users", Ct)).StatusCode);

        using var logout = await PortalSession.PostFormAsync(admin, "/portal/account/logout", [], Ct);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        using var after = await admin.GetAsync("/api/v1/knowledge-bases", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var portal = await admin.GetAsync("/portal", Ct);
        Assert.Equal(HttpStatusCode.Redirect, portal.StatusCode);
        Assert.StartsWith("/portal/login", portal.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("someone"), "viewer", Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => PortalSession.SignInAsync(Host, Email("someone"), Ct, password: "not-the-password"));
    }

    [Fact]
    public async Task A_user_of_one_tenant_cannot_reach_another_tenants_ids()
    {
        using var keyB = Host.Client(_b.Key);
        var kbB = (await keyB.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/secrets", Ct)).GetProperty("id").GetString()!;
        using var uploaded = await PlatformHost.UploadAsync(keyB, "secrets", "b.md", "# B\n\nTenant B only.", Ct);
        var documentB = (await uploaded.Content.ReadFromJsonAsync<JsonElement>(PlatformHost.Json, Ct)).GetProperty("id").GetString()!;
        var userB = await PortalSession.CreateUserAsync(Host, _b.Key, $"viewer@{_b.Id}.example", "viewer", Ct);

        await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("admin2"), "tenant-admin", Ct);
        using var adminA = await PortalSession.SignInAsync(Host, Email("admin2"), Ct);
        foreach (var url in new[] { $"/api/v1/knowledge-bases/{kbB}", $"/api/v1/documents/{documentB}", $"/api/v1/documents/{documentB}/chunks", $"/api/v1/knowledge-bases/{kbB}/documents" })
            Assert.Equal(HttpStatusCode.NotFound, (await adminA.GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminA.DeleteAsync($"/api/v1/users/{userB}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminA.PutAsJsonAsync($"/api/v1/users/{userB}", new { role = "tenant-admin" }, Ct)).StatusCode);
        var users = await adminA.GetFromJsonAsync<JsonElement>("/api/v1/users", Ct);
        Assert.DoesNotContain(users.EnumerateArray(), u => u.GetProperty("tenantId").GetString() == _b.Id);
    }

    [Fact]
    public async Task A_tenant_admin_cannot_make_a_platform_admin()
    {
        await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("admin3"), "tenant-admin", Ct);
        using var admin = await PortalSession.SignInAsync(Host, Email("admin3"), Ct);
        using var response = await admin.PostAsJsonAsync("/api/v1/users", new { email = Email("boss"), password = PortalSession.Password, role = "platform-admin" }, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
