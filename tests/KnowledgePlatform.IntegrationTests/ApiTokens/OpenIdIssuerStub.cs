using System.Security.Cryptography;
using KnowledgePlatform.IntegrationTests.CdsHooks;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KnowledgePlatform.IntegrationTests.ApiTokens;

/// <summary>
/// An OpenID Connect issuer on loopback: its discovery document and JWK Set (one EC P-384 key), and tokens signed with
/// that key, each argument spoiling one part.
/// </summary>
public sealed class OpenIdIssuerStub : IAsyncDisposable
{
    public const string Audience = "api://knowledge-platform";
    private const string KeyId = "issuer-key-1";
    private readonly int _port = LoopbackPort.Free();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private WebApplication? _app;

    public string Issuer => $"http://127.0.0.1:{_port}";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Issuer);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer, ["jwks_uri"] = Issuer + "/jwks", ["id_token_signing_alg_values_supported"] = new[] { "ES384" },
        }));
        _app.MapGet("/jwks", () => Results.Text(CdsHooksHost.PublicJwks(_key, KeyId), "application/json"));
        await _app.StartAsync();
    }

    public string Token(string? tenant, object? role, string? issuer = null, string? audience = null, DateTime? expires = null, ECDsa? key = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "user-" + Guid.NewGuid().ToString("N")[..8], ["name"] = "Dr Token" };
        if (tenant is not null) claims["kp_tenant"] = tenant;
        if (role is not null) claims["kp_role"] = role;
        var exp = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer, Audience = audience ?? Audience, IssuedAt = exp.AddMinutes(-20), NotBefore = exp.AddMinutes(-20), Expires = exp, Claims = claims,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key ?? _key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha384),
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        _key.Dispose();
    }
}
