using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>
/// Authenticates an EHR's call as the CDS Hooks specification requires: a JWT in Authorization: Bearer, signed with an
/// asymmetric key of a registered client (its iss, and its sub when the registration names a client id), whose aud is the
/// URL being called, with exp, iat and a jti not seen before. A jku header is followed only when it is the registered
/// URL. The tenant is the registration's; nothing in the token chooses it.
/// </summary>
public sealed class CdsJwtAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    KnowledgeDbContext db, CdsClientKeys keys, IOptions<CdsHooksOptions> cds) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "CdsHooksJwt";
    public const string Channel = "cds-hooks";
    private const string FailureItem = "kp:cds-jwt-failure";

    /// <summary>Asymmetric algorithms only: the specification forbids none and every HMAC.</summary>
    public static readonly IReadOnlyList<string> Algorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var (client, reason) = await VerifyAsync(authorization[7..].Trim(), Context.RequestAborted);
        if (client is null)
        {
            Context.Items[FailureItem] = reason;
            Logger.LogInformation("CDS Hooks token refused: {Reason}", reason);
            return AuthenticateResult.Fail(reason!);
        }
        // The EHR's tenant may be suspended by the platform operator (decision 156): its calls are refused with the reason.
        if (await Tenants.TenantSuspension.RefusalAsync(db, client.TenantId, Context.RequestAborted) is { } refusal)
        {
            Context.Items[FailureItem] = refusal;
            return AuthenticateResult.Fail(refusal);
        }
        var claims = new List<Claim>
        {
            new(ApiKeyAuthenticationHandler.TenantClaim, client.TenantId), new(ApiKeyAuthenticationHandler.KeyClaim, client.Id),
            new(ClaimTypes.Name, client.Name), new(ApiKeyAuthenticationHandler.ChannelClaim, Channel),
            new(ApiKeyAuthenticationHandler.ScopeClaim, ApiScopes.Ask), new(ApiKeyAuthenticationHandler.ScopeClaim, ApiScopes.Read),
        };
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    private async Task<(CdsClient? Client, string? Reason)> VerifyAsync(string token, CancellationToken ct)
    {
        var handler = new JsonWebTokenHandler();
        JsonWebToken jwt;
        try
        {
            jwt = handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return (null, "The bearer token is not a JWT.");
        }
        if (!Algorithms.Contains(jwt.Alg)) return (null, $"The JWT's alg '{jwt.Alg}' is not allowed; sign with an asymmetric algorithm ({string.Join(", ", Algorithms)}).");
        var issuer = jwt.Issuer;
        var subject = jwt.TryGetPayloadValue<string>("sub", out var sub) ? sub : null;
        // The issuer is the lookup key across tenants: a token names its EHR, the registration names the tenant.
        var candidates = await db.CdsClients.AsNoTracking().Where(c => c.Issuer == issuer && c.Enabled).ToListAsync(ct);
        candidates = candidates.Where(c => c.ClientId is null || c.ClientId == subject).ToList();
        // Registration keeps an issuer (and client id) to one tenant; should two still match, neither gets the call.
        if (candidates.Select(c => c.TenantId).Distinct().Count() > 1) return (null, $"Several tenants registered issuer '{issuer}'; send the client id registered with this platform as sub.");
        if (candidates.Count > 1) candidates = candidates.Where(c => c.ClientId is not null).ToList();
        if (candidates.Count != 1) return (null, candidates.Count == 0 ? $"No EHR client is registered for issuer '{issuer}'." : $"Several tenants registered issuer '{issuer}'; send the client id registered with this platform as sub.");
        var client = candidates[0];
        if (jwt.TryGetHeaderValue<string>("jku", out var jku) && !string.Equals(jku, client.JwksUrl, StringComparison.Ordinal))
            return (null, "The JWT's jku is not the JWK Set URL registered for this client.");

        var signingKeys = await keys.GetAsync(client, ct);
        var options = cds.Value;
        var result = await handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = client.Issuer,
            ValidAudiences = ExpectedAudiences(),
            IssuerSigningKeys = signingKeys,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = options.ClockSkew,
            TryAllIssuerSigningKeys = false,
        });
        if (!result.IsValid) return (null, Explain(result.Exception));
        if (string.IsNullOrWhiteSpace(jwt.Id)) return (null, "The JWT has no jti.");
        if (!jwt.TryGetPayloadValue<long>("iat", out _)) return (null, "The JWT has no iat.");
        if (jwt.ValidTo - jwt.IssuedAt > options.MaxTokenLifetime) return (null, $"The JWT lives longer than {options.MaxTokenLifetime}; send a short-lived token per call.");
        if (!await FirstUseAsync(client, jwt, ct)) return (null, "The JWT's jti was already used; send a new token per call.");
        await db.CdsClients.Where(c => c.TenantId == client.TenantId && c.Id == client.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, TimeProvider.GetUtcNow()), ct);
        return (client, null);
    }

    /// <summary>The URL being called (the service, its feedback endpoint, or discovery); for feedback also the service's URL.</summary>
    private List<string> ExpectedAudiences()
    {
        var root = cds.Value.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{Request.Scheme}://{Request.Host}{Request.PathBase}";
        var called = root + Request.Path.Value?.TrimEnd('/');
        var audiences = new List<string> { called, called + "/" };
        if (called.EndsWith("/feedback", StringComparison.Ordinal)) audiences.Add(called[..^"/feedback".Length]);
        return audiences;
    }

    /// <summary>Records the jti; false when the client already used it (the key is unique, so two replicas cannot both accept it).</summary>
    private async Task<bool> FirstUseAsync(CdsClient client, JsonWebToken jwt, CancellationToken ct)
    {
        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(client.Id + "\n" + jwt.Id))).ToLowerInvariant();
        var now = TimeProvider.GetUtcNow();
        await db.CdsTokenUses.Where(t => t.TenantId == client.TenantId && t.ExpiresAt < now).ExecuteDeleteAsync(ct);
        if (await db.CdsTokenUses.AnyAsync(t => t.TenantId == client.TenantId && t.Id == id, ct)) return false;
        db.CdsTokenUses.Add(new CdsTokenUse { Id = id, TenantId = client.TenantId, ExpiresAt = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + cds.Value.ClockSkew });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private static string Explain(Exception? error) => error switch
    {
        SecurityTokenExpiredException => "The JWT has expired.",
        SecurityTokenNotYetValidException => "The JWT is not valid yet.",
        SecurityTokenInvalidAudienceException => "The JWT's aud is not the URL of the endpoint called.",
        SecurityTokenInvalidIssuerException => "The JWT's iss is not the registered issuer.",
        SecurityTokenSignatureKeyNotFoundException => "The JWT is signed with a key that is not in the client's registered JWK Set.",
        SecurityTokenInvalidSignatureException => "The JWT's signature does not verify with the client's registered keys.",
        SecurityTokenInvalidAlgorithmException => "The JWT's alg is not allowed.",
        SecurityTokenNoExpirationException => "The JWT has no exp.",
        _ => "The JWT is not valid.",
    };

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        var reason = Context.Items[FailureItem] as string;
        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, reason is null ? "missing_token" : "invalid_token",
            reason ?? "Send the EHR's signed JWT in Authorization: Bearer (CDS Hooks), or an API key in X-Api-Key.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "insufficient_scope", "This credential may not call CDS services.");
}
