using System.Security.Claims;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace KnowledgePlatform.Server.Security;

/// <summary>
/// The REST API's OpenID Connect bearer tokens (decision 0111): standard JwtBearer validates issuer, audience, lifetime
/// and signature against the issuer's published keys; the token's tenant and role claims then become the same claims an
/// API key carries. The tenant is the claim's and nothing else: no header, query or body can choose another.
/// </summary>
public static class ApiTokenAuthentication
{
    public const string SchemeName = "ApiToken";
    private const string FailureItem = "kp:api-token-failure";

    public static IHostApplicationBuilder AddApiTokens(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ApiTokenOptions.Section);
        builder.Services.AddOptions<ApiTokenOptions>().Bind(section)
            .Validate(o => !o.Enabled || Uri.TryCreate(o.Authority, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || !o.RequireHttpsMetadata && u.IsLoopback),
                "ApiTokens:Authority must be an absolute https URL (http only on loopback with ApiTokens:RequireHttpsMetadata=false).")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.Audience),
                "ApiTokens:Authority is set, so ApiTokens:Audience is required too (the aud your issuer puts in tokens for this API).")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.TenantClaim) && !string.IsNullOrWhiteSpace(o.RoleClaim),
                "ApiTokens:TenantClaim and ApiTokens:RoleClaim must name claims of your issuer's tokens.")
            .ValidateOnStart();
        var settings = section.Get<ApiTokenOptions>() ?? new();
        if (!settings.Enabled) return builder;
        builder.Services.AddAuthentication().AddJwtBearer(SchemeName, o =>
        {
            o.Authority = settings.Authority;
            o.Audience = settings.Audience;
            o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            o.MapInboundClaims = false;
            o.TokenValidationParameters.ClockSkew = settings.ClockSkew;
            o.TokenValidationParameters.RequireExpirationTime = true;
            o.Events = new JwtBearerEvents { OnTokenValidated = MapClaimsAsync, OnAuthenticationFailed = Remember, OnChallenge = ChallengeAsync, OnForbidden = ForbiddenAsync };
        });
        return builder;
    }

    /// <summary>Whether the bearer is a JWT (API keys have no dots) and tokens are configured.</summary>
    public static bool Carries(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<ApiTokenOptions>>().Value.Enabled
        && context.Request.Headers.Authorization.ToString() is var a && a.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && a.Count(c => c == '.') == 2;

    private static async Task MapClaimsAsync(TokenValidatedContext context)
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<ApiTokenOptions>>().Value;
        var token = context.Principal!;
        var tenant = token.FindFirstValue(options.TenantClaim);
        var subject = token.FindFirstValue("sub");
        if (string.IsNullOrWhiteSpace(tenant) || string.IsNullOrWhiteSpace(subject))
        {
            Fail(context, $"The token has no '{options.TenantClaim}' or 'sub' claim.");
            return;
        }
        var db = context.HttpContext.RequestServices.GetRequiredService<KnowledgeDbContext>();
        if (!await db.Tenants.AsNoTracking().AnyAsync(t => t.Id == tenant, context.HttpContext.RequestAborted))
        {
            Fail(context, $"The token's '{options.TenantClaim}' does not name a tenant of this platform.");
            return;
        }
        var roles = Values(token, options.RoleClaim);
        var platformTenant = context.HttpContext.RequestServices.GetRequiredService<IOptions<PlatformOptions>>().Value.TenantId;
        var known = roles.Where(r => PortalRoles.All.Contains(r) && (r != PortalRoles.PlatformAdmin || tenant == platformTenant)).ToList();
        if (known.Count == 0)
        {
            Fail(context, $"The token's '{options.RoleClaim}' names no role of this platform ({string.Join(", ", PortalRoles.All.Skip(1))}).");
            return;
        }
        var role = PortalRoles.Effective(known);
        var claims = new List<Claim>
        {
            new(ApiKeyAuthenticationHandler.TenantClaim, tenant), new(ApiKeyAuthenticationHandler.KeyClaim, "oidc:" + subject),
            new(ClaimTypes.Name, token.FindFirstValue("name") ?? token.FindFirstValue("email") ?? subject), new(ClaimTypes.Role, role),
            new(ApiKeyAuthenticationHandler.ChannelClaim, "api"),
        };
        claims.AddRange(PortalRoles.Scopes(role).Select(s => new Claim(ApiKeyAuthenticationHandler.ScopeClaim, s)));
        claims.AddRange(Values(token, options.GroupsClaim).Select(g => new Claim(ApiKeyAuthenticationHandler.GroupClaim, g)));
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    /// <summary>A claim's values, whether the issuer sent one string, several claims or a JSON array.</summary>
    private static List<string> Values(ClaimsPrincipal token, string type) =>
        token.FindAll(type).SelectMany(c => c.ValueType == "JSON_ARRAY" || c.Value.StartsWith('[')
            ? (JsonSerializer.Deserialize<string[]>(c.Value) ?? [])
            : [c.Value]).Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).ToList();

    private static void Fail(TokenValidatedContext context, string reason)
    {
        context.HttpContext.Items[FailureItem] = reason;
        context.Fail(reason);
    }

    private static Task Remember(AuthenticationFailedContext context)
    {
        context.HttpContext.Items[FailureItem] = context.Exception switch
        {
            SecurityTokenExpiredException => "The token has expired.",
            SecurityTokenNotYetValidException => "The token is not valid yet.",
            SecurityTokenInvalidAudienceException => "The token's aud is not this API's audience.",
            SecurityTokenInvalidIssuerException => "The token's iss is not the configured issuer.",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature does not verify with the issuer's keys.",
            _ => "The token is not valid.",
        };
        return Task.CompletedTask;
    }

    private static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var reason = context.HttpContext.Items[FailureItem] as string;
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        await ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "invalid_token", reason ?? "The bearer token is not valid.");
    }

    private static Task ForbiddenAsync(ForbiddenContext context) =>
        ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "insufficient_scope", "The token's role does not allow this operation.");
}
