using Microsoft.AspNetCore.Identity;

namespace KnowledgePlatform.Server.Security;

/// <summary>
/// The API's authentication scheme: a request that carries an API key is authenticated by the key;
/// a JWT in Authorization: Bearer, when OpenID Connect tokens are configured, by the token;
/// otherwise a portal sign-in cookie, when present, authenticates it. Every endpoint's tenant and scope
/// checks therefore apply the same to keys and to signed-in users.
/// </summary>
public static class CredentialScheme
{
    public const string Name = "Credential";

    public static string Select(HttpContext context)
    {
        if (!context.Request.Headers.ContainsKey("X-Api-Key") && ApiTokenAuthentication.Carries(context)) return ApiTokenAuthentication.SchemeName;
        if (ApiKeyAuthenticationHandler.ReadKey(context.Request) is not null) return ApiKeyAuthenticationHandler.SchemeName;
        if (context.Request.Cookies.ContainsKey(PortalIdentity.CookieName) || context.Request.Path.StartsWithSegments(PortalIdentity.BasePath))
            return IdentityConstants.ApplicationScheme;
        return ApiKeyAuthenticationHandler.SchemeName;
    }
}
