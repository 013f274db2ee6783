using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Portal;

/// <summary>
/// The credential of the circuit's user for calls to the API: a sign-in cookie for the same principal,
/// protected like any sign-in cookie and valid for a few minutes.
/// </summary>
public sealed class PortalCredential(AuthenticationStateProvider authentication, IOptionsMonitor<CookieAuthenticationOptions> cookies, TimeProvider clock)
{
    public async Task<string> CookieAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        if (state.User.Identity?.IsAuthenticated != true) throw new PortalApiException(401, "not_signed_in", "Sign in again: the portal session has ended.");
        var now = clock.GetUtcNow();
        // Issued "long ago" on purpose: the cookie handler then revalidates the user's security stamp on every
        // call and rebuilds the claims from the database, so a changed role or a deleted user takes effect at once
        // even in a long-lived circuit.
        var properties = new AuthenticationProperties { IssuedUtc = now.AddHours(-1), ExpiresUtc = now.AddMinutes(10) };
        DelegatedSignIn.Mark(properties);
        var ticket = new AuthenticationTicket(state.User, properties, IdentityConstants.ApplicationScheme);
        return cookies.Get(IdentityConstants.ApplicationScheme).TicketDataFormat.Protect(ticket);
    }
}
