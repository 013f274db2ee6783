using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.ApiTokens;

/// <summary>
/// The REST API accepts OpenID Connect bearer tokens from the configured issuer next to API keys: the tenant and the role
/// come from the token's claims, and nothing in the request can choose another tenant.
/// </summary>
/// <remarks>Each test has a server of its own: it trusts the test's own issuer, whose tokens name the tenants by fixed ids.</remarks>
public sealed class ApiTokenTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private readonly OpenIdIssuerStub _issuer = new();

    protected override string? TenantName => null;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["ApiTokens:Authority"] = _issuer.Issuer,
        ["ApiTokens:Audience"] = OpenIdIssuerStub.Audience,
        ["ApiTokens:RequireHttpsMetadata"] = "false",
    };

    public override async ValueTask InitializeAsync()
    {
        await _issuer.StartAsync();
        await base.InitializeAsync();
        await Host.CreateTenantAsync("north", "north-handbook", Ct);
        await Host.CreateTenantAsync("south", "south-secrets", Ct);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string url, string token, object? body = null, (string, string)? header = null)
    {
        using var client = Host.Client();
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (header is var (name, value)) request.Headers.Add(name, value);
        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_valid_token_acts_in_the_tenant_and_with_the_role_its_claims_name()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/api/v1/knowledge-bases", _issuer.Token("north", "curator"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["north-handbook"], JsonSerializer.Deserialize<JsonElement>(body).EnumerateArray().Select(k => k.GetProperty("name").GetString()));

        // A role the issuer sends as an array counts too; a viewer may read but not administer.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/v1/knowledge-bases", _issuer.Token("north", new[] { "viewer" }))).Status);
        var (forbidden, problem) = await SendAsync(HttpMethod.Get, "/api/v1/api-keys", _issuer.Token("north", "viewer"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Contains("insufficient_scope", problem);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/v1/api-keys", _issuer.Token("north", "tenant-admin"))).Status);
        // API keys keep working beside tokens.
        using var keyed = Host.Client(await Host.CreateTenantAsync("east", "east-kb", Ct));
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/api/v1/knowledge-bases", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_token_never_reaches_another_tenant_than_its_claim()
    {
        var token = _issuer.Token("north", "tenant-admin");
        foreach (var url in new[] { "/api/v1/knowledge-bases?tenant=south", "/api/v1/knowledge-bases?tenantId=south" })
            Assert.DoesNotContain("south-secrets", (await SendAsync(HttpMethod.Get, url, token)).Body);
        Assert.DoesNotContain("south-secrets", (await SendAsync(HttpMethod.Get, "/api/v1/knowledge-bases", token, header: ("X-Tenant", "south"))).Body);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/v1/knowledge-bases/south-secrets", token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, "/api/v1/knowledge-bases/south-secrets/search", token, new { query = "anything", tenantId = "south" })).Status);
        // A platform-admin role outside the platform tenant grants nothing, and a tenant that does not exist is refused.
        var (status, body) = await SendAsync(HttpMethod.Get, "/api/v1/knowledge-bases", _issuer.Token("north", "platform-admin"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("kp_role", body);
        (status, body) = await SendAsync(HttpMethod.Get, "/api/v1/knowledge-bases", _issuer.Token("nowhere", "curator"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("does not name a tenant", body);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/api/v1/knowledge-bases", _issuer.Token(null, "curator"))).Status);
    }

    [Fact]
    public async Task Tokens_from_another_issuer_for_another_audience_expired_or_signed_by_another_key_are_refused()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        foreach (var (token, reason) in new[]
        {
            (_issuer.Token("north", "curator", issuer: "https://evil.example"), "iss"),
            (_issuer.Token("north", "curator", audience: "api://something-else"), "aud"),
            (_issuer.Token("north", "curator", expires: DateTime.UtcNow.AddMinutes(-10)), "expired"),
            (_issuer.Token("north", "curator", key: stranger), "signature"),
        })
        {
            var (status, body) = await SendAsync(HttpMethod.Get, "/api/v1/knowledge-bases", token);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Contains(reason, body);
            Assert.DoesNotContain("north-handbook", body);
        }
    }

    [Fact]
    public async Task Token_settings_are_checked_at_start_up_with_the_setting_named()
    {
        async Task<string> StartFails(Dictionary<string, string> settings) => (await TestPlatform.StartFailureAsync(settings, Ct)).ToString();
        Assert.Contains("ApiTokens:Audience is required", await StartFails(new() { ["ApiTokens:Authority"] = "https://idp.example" }));
        Assert.Contains("ApiTokens:Authority must be an absolute https URL", await StartFails(new() { ["ApiTokens:Authority"] = "http://idp.example", ["ApiTokens:Audience"] = "api" }));
        Assert.Contains("ApiTokens:TenantClaim and ApiTokens:RoleClaim", await StartFails(new() { ["ApiTokens:Authority"] = "https://idp.example", ["ApiTokens:Audience"] = "api", ["ApiTokens:RoleClaim"] = " " }));
    }
}
