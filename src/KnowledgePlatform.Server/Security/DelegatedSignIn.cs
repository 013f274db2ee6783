using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace KnowledgePlatform.Server.Security;

/// <summary>
/// The sign-in the portal's server side presents when it calls the API for a circuit's user (PortalCredential): a
/// sign-in cookie minted per call, marked as delegated. The API never renews it with a Set-Cookie: the answer goes to
/// a server-side client, not to the user's browser, and a renewed cookie there is identity that could reach another
/// user's call (the portal leak of docs/security.md). Its claims are still rebuilt from the database on every call.
/// </summary>
public static class DelegatedSignIn
{
    private const string Marker = ".kp.delegated";

    public static void Mark(AuthenticationProperties properties) => properties.Items[Marker] = "portal";

    public static bool IsDelegated(AuthenticationProperties properties) => properties.Items.ContainsKey(Marker);

    /// <summary>The user's security stamp is checked as for any sign-in; a delegated one is not renewed.</summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        await SecurityStampValidator.ValidatePrincipalAsync(context);
        if (IsDelegated(context.Properties)) context.ShouldRenew = false;
    }

    /// <summary>Sliding expiration renews a browser's sign-in, never a delegated one.</summary>
    public static Task CheckSlidingExpiration(CookieSlidingExpirationContext context)
    {
        if (IsDelegated(context.Properties)) context.ShouldRenew = false;
        return Task.CompletedTask;
    }
}
