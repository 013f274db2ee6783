using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>Portal users sign in with a cookie that carries the same tenant and scope claims as an API key.</summary>
public sealed class PortalIdentityTests : IAsyncLifetime
{
    private readonly PlatformHost _host = new(PlatformHost.NewDataPath());
    private string _keyA = "";
    private string _keyB = "";

    public async ValueTask InitializeAsync()
    {
        _keyA = await _host.CreateTenantAsync("tenant-a", "handbook", TestContext.Current.CancellationToken);
        _keyB = await _host.CreateTenantAsync("tenant-b", "secrets", TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_viewer_can_read_but_cannot_ingest()
    {
        var ct = TestContext.Current.CancellationToken;
        await PortalSession.CreateUserAsync(_host, _keyA, "viewer@a.example", "viewer", ct);
        using var viewer = await PortalSession.SignInAsync(_host, "viewer@a.example", ct);

        using var list = await viewer.GetAsync("/api/v1/knowledge-bases", ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var upload = await PlatformHost.UploadAsync(viewer, "handbook", "notes.md", "# Notes\n\nSomething to ingest.", ct);
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        var problem = await upload.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("insufficient_scope", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_curator_ingests_and_the_portal_channel_is_audited()
    {
        var ct = TestContext.Current.CancellationToken;
        await PortalSession.CreateUserAsync(_host, _keyA, "curator@a.example", "curator", ct);
        using var curator = await PortalSession.SignInAsync(_host, "curator@a.example", ct);
        using var upload = await PlatformHost.UploadAsync(curator, "handbook", "notes.md", "# Notes\n\nThe office opens at nine.", ct);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);

        var me = await curator.GetFromJsonAsync<JsonElement>("/api/v1/me", ct);
        Assert.Equal("tenant-a", me.GetProperty("tenantId").GetString());
        Assert.Equal("portal", me.GetProperty("channel").GetString());
        Assert.Equal(["read", "ask", "ingest"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var ct = TestContext.Current.CancellationToken;
        await PortalSession.CreateUserAsync(_host, _keyA, "admin@a.example", "tenant-admin", ct);
        using var admin = await PortalSession.SignInAsync(_host, "admin@a.example", ct);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/users", ct)).StatusCode);

        using var logout = await PortalSession.PostFormAsync(admin, "/portal/account/logout", [], ct);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        using var after = await admin.GetAsync("/api/v1/knowledge-bases", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var portal = await admin.GetAsync("/portal", ct);
        Assert.Equal(HttpStatusCode.Redirect, portal.StatusCode);
        Assert.StartsWith("/portal/login", portal.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await PortalSession.CreateUserAsync(_host, _keyA, "someone@a.example", "viewer", ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => PortalSession.SignInAsync(_host, "someone@a.example", ct, password: "not-the-password"));
    }

    [Fact]
    public async Task A_user_of_one_tenant_cannot_reach_another_tenants_ids()
    {
        var ct = TestContext.Current.CancellationToken;
        using var keyB = _host.Client(_keyB);
        var kbB = (await keyB.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/secrets", ct)).GetProperty("id").GetString()!;
        using var uploaded = await PlatformHost.UploadAsync(keyB, "secrets", "b.md", "# B\n\nTenant B only.", ct);
        var documentB = (await uploaded.Content.ReadFromJsonAsync<JsonElement>(PlatformHost.Json, ct)).GetProperty("id").GetString()!;
        var userB = await PortalSession.CreateUserAsync(_host, _keyB, "viewer@b.example", "viewer", ct);

        await PortalSession.CreateUserAsync(_host, _keyA, "admin2@a.example", "tenant-admin", ct);
        using var adminA = await PortalSession.SignInAsync(_host, "admin2@a.example", ct);
        foreach (var url in new[] { $"/api/v1/knowledge-bases/{kbB}", $"/api/v1/documents/{documentB}", $"/api/v1/documents/{documentB}/chunks", $"/api/v1/knowledge-bases/{kbB}/documents" })
            Assert.Equal(HttpStatusCode.NotFound, (await adminA.GetAsync(url, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminA.DeleteAsync($"/api/v1/users/{userB}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminA.PutAsJsonAsync($"/api/v1/users/{userB}", new { role = "tenant-admin" }, ct)).StatusCode);
        var users = await adminA.GetFromJsonAsync<JsonElement>("/api/v1/users", ct);
        Assert.DoesNotContain(users.EnumerateArray(), u => u.GetProperty("tenantId").GetString() == "tenant-b");
    }

    [Fact]
    public async Task A_tenant_admin_cannot_make_a_platform_admin()
    {
        var ct = TestContext.Current.CancellationToken;
        await PortalSession.CreateUserAsync(_host, _keyA, "admin3@a.example", "tenant-admin", ct);
        using var admin = await PortalSession.SignInAsync(_host, "admin3@a.example", ct);
        using var response = await admin.PostAsJsonAsync("/api/v1/users", new { email = "boss@a.example", password = PortalSession.Password, role = "platform-admin" }, ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
