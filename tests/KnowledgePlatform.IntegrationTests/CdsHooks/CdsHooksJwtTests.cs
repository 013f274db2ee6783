using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.CdsHooks;

/// <summary>
/// The EHR's signed JWT, as the CDS Hooks specification requires it: accepted when signed by the registered key for the
/// URL called, within its lifetime and used once; otherwise 401 and no card.
/// </summary>
[Collection(CdsHooksCollection.Name)]
public sealed class CdsHooksJwtTests(CdsHooksHost cds)
{
    private const string Service = "/cds-services/medical-order-select";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, string Body)> CallAsync(string token)
    {
        using var ehr = cds.Host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, Service)
        {
            Content = JsonContent.Create(CdsHooksHost.Request("order-select-ibuprofen-egfr-25.json", "order-select")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await ehr.SendAsync(request, _ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(_ct));
    }

    private async Task AssertRefusedAsync(string token, string because)
    {
        var (status, body) = await CallAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.DoesNotContain("\"cards\"", body);
        Assert.Contains(because, body);
    }

    [Fact]
    public async Task A_token_signed_by_the_registered_key_for_this_service_is_accepted_and_gets_cards()
    {
        var (status, body) = await CallAsync(cds.Token(Service));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEmpty(JsonNode.Parse(body)!["cards"]!.AsArray());

        using var ehr = cds.Host.Client();
        using var discovery = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        discovery.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cds.Token("/cds-services"));
        using var listed = await ehr.SendAsync(discovery, _ct);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Fact]
    public Task A_token_for_another_audience_is_refused() =>
        AssertRefusedAsync(cds.Token(Service, audience: cds.Host.Url("/cds-services/medical-order-sign")), "aud");

    [Fact]
    public Task An_expired_token_is_refused() =>
        AssertRefusedAsync(cds.Token(Service, expires: DateTime.UtcNow.AddMinutes(-5)), "expired");

    [Fact]
    public async Task A_replayed_jti_is_refused()
    {
        var jti = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(cds.Token(Service, jti: jti))).Status);
        await AssertRefusedAsync(cds.Token(Service, jti: jti), "already used");
    }

    [Fact]
    public async Task A_token_signed_by_an_unregistered_key_is_refused()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        await AssertRefusedAsync(cds.Token(Service, key: stranger, kid: "stranger"), "key");
        await AssertRefusedAsync(cds.Token(Service, key: stranger), "signature");
    }

    [Fact]
    public async Task An_unsigned_token_with_alg_none_is_refused()
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var unsigned = Part($$"""{"alg":"none","typ":"JWT","kid":"{{CdsHooksHost.KeyId}}"}""") + "." + Part($$"""
            {"iss":"{{CdsHooksHost.Issuer}}","aud":"{{cds.Host.Url(Service)}}","iat":{{now}},"exp":{{now + 300}},"jti":"{{Guid.NewGuid()}}"}
            """) + ".";
        await AssertRefusedAsync(unsigned, "alg");
    }
}
