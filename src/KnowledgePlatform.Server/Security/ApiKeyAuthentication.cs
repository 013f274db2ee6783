using System.Security.Claims;
using System.Text.Encodings.Web;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Security;

/// <summary>
/// Authenticates a request by its API key (X-Api-Key, or Authorization: Bearer). The tenant of the
/// request is the key's tenant: it is never read from the request itself.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    KnowledgeDbContext db) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string TenantClaim = "kp:tenant";
    public const string KeyClaim = "kp:key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadKey(Request);
        if (secret is null) return AuthenticateResult.NoResult();
        var key = await db.FindApiKeyAsync(secret, Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail("The API key is not valid.");
        var identity = new ClaimsIdentity(
            [new Claim(TenantClaim, key.TenantId), new Claim(KeyClaim, key.Id), new Claim(ClaimTypes.Name, key.Name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (code, detail) = ReadKey(Request) is null
            ? ("missing_api_key", "Send an API key in the X-Api-Key header (or Authorization: Bearer <key>).")
            : ("invalid_api_key", "The API key is not valid or has been revoked.");
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, code, detail);
    }

    private static string? ReadKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var header) && !string.IsNullOrWhiteSpace(header)) return header.ToString().Trim();
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization[7..].Trim();
        // Browsers cannot set headers on WebSocket requests: SignalR sends the key as access_token.
        return request.Path.StartsWithSegments("/hubs") && request.Query.TryGetValue("access_token", out var token) && !string.IsNullOrWhiteSpace(token)
            ? token.ToString()
            : null;
    }
}

public static class ApiKeyAuthenticationExtensions
{
    public static IHostApplicationBuilder AddApiKeyAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(null)
            .AddDefaultPolicy("api", p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireClaim(ApiKeyAuthenticationHandler.TenantClaim));
        return builder;
    }

    /// <summary>The tenant of an authenticated request.</summary>
    public static string TenantId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ApiKeyAuthenticationHandler.TenantClaim) ?? throw new InvalidOperationException("The request is not authenticated.");
}
