using System.Security.Claims;
using System.Text.Encodings.Web;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
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
    KnowledgeDbContext db,
    IOptions<PlatformOptions> platform) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string TenantClaim = "kp:tenant";
    public const string KeyClaim = "kp:key";
    public const string ScopeClaim = "kp:scope";
    public const string KnowledgeBaseClaim = "kp:kb";
    public const string ChannelClaim = "kp:channel";
    /// <summary>An access group the principal holds (one claim per group); portal users get the same claim from their groups. Decision 0040.</summary>
    public const string GroupClaim = "kp:group";
    private const string OriginRefused = "kp:origin-refused";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadKey(Request);
        if (secret is null) return AuthenticateResult.NoResult();
        var key = await db.FindApiKeyAsync(secret, Context.RequestAborted);
        var now = TimeProvider.GetUtcNow();
        if (key is null || !key.IsUsableAt(now)) return AuthenticateResult.Fail("The API key is not valid.");
        if (key.Kind == ApiKeyKind.Widget && !WidgetOrigins.Allows(key, Request.Headers.Origin.ToString()))
        {
            Context.Items[OriginRefused] = true;
            return AuthenticateResult.Fail("The widget key is not allowed from this origin.");
        }
        await TouchAsync(key.Id, key.LastUsedAt, now);

        var channel = key.Kind == ApiKeyKind.Widget ? "widget" : "api";
        var claims = new List<Claim> { new(TenantClaim, key.TenantId), new(KeyClaim, key.Id), new(ClaimTypes.Name, key.Name), new(ChannelClaim, channel) };
        // The platform scope only counts on a key of the platform tenant (decision 0042).
        claims.AddRange(key.Scopes.Where(s => s != ApiScopes.Platform || key.TenantId == platform.Value.TenantId).Select(s => new Claim(ScopeClaim, s)));
        if (key.KnowledgeBaseIds is { } allowed) claims.AddRange(allowed.Select(kb => new Claim(KnowledgeBaseClaim, kb)));
        if (key.Groups is { } groups) claims.AddRange(groups.Select(g => new Claim(GroupClaim, g)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    /// <summary>Records when the key was last used, at most once a minute per key to spare the database.</summary>
    private async Task TouchAsync(string keyId, DateTimeOffset? lastUsed, DateTimeOffset now)
    {
        if (lastUsed > now.AddMinutes(-1)) return;
        await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(OriginRefused))
        {
            await ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "origin_not_allowed",
                "This widget key may only be used from the web sites it was created for.");
            return;
        }
        var (code, detail) = ReadKey(Request) is null
            ? ("missing_api_key", "Send an API key in the X-Api-Key header (or Authorization: Bearer <key>).")
            : ("invalid_api_key", "The API key is not valid, has expired or has been revoked.");
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, code, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "insufficient_scope", "This API key does not have the scope this operation needs.");

    internal static string? ReadKey(HttpRequest request)
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
