using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api.Tenants;
using KnowledgePlatform.Server.Security;
using KnowledgePlatform.Server.Tenants;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api;

/// <summary>The portal's account routes: HTML form posts, left out of the API description.</summary>
public static class PortalAccountEndpoints
{
    /// <summary>Sign-in, sign-out, the external (OpenID Connect) callback and the tenant switcher: plain form posts that set the cookie.</summary>
    public static WebApplication MapPortalAccount(this WebApplication app)
    {
        var account = app.MapGroup(PortalIdentity.BasePath + "/account").ExcludeFromDescription();
        account.MapPost("/login", SignInAsync);
        account.MapPost("/logout", async (HttpContext context, SignInManager<PortalUser> signIn) =>
        {
            if (!await ValidFormAsync(context)) return TypedResults.LocalRedirect(PortalIdentity.BasePath);
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect(PortalIdentity.BasePath + "/login");
        });
        account.MapGet("/external", async Task<IResult> (string? returnUrl, SignInManager<PortalUser> signIn, IAuthenticationSchemeProvider schemes) =>
        {
            // Without OpenID Connect configured there is nothing to sign in with.
            if (await schemes.GetSchemeAsync(PortalIdentity.OidcScheme) is null) return TypedResults.NotFound();
            var properties = signIn.ConfigureExternalAuthenticationProperties(PortalIdentity.OidcScheme, PortalIdentity.BasePath + "/account/external-callback?returnUrl=" + Uri.EscapeDataString(LocalOr(returnUrl)));
            return TypedResults.Challenge(properties, [PortalIdentity.OidcScheme]);
        });
        account.MapGet("/external-callback", ExternalCallbackAsync);
        account.MapPost("/tenant", SwitchTenantAsync).RequireAuthorization(ApiScopes.Platform);
        account.MapPost("/invitation", InvitationAcceptance.AcceptAsync);
        return app;
    }

    private static string LocalOr(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith(PortalIdentity.BasePath, StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : PortalIdentity.BasePath;

    /// <summary>Every account form carries the antiforgery token the portal's forms render.</summary>
    internal static async Task<bool> ValidFormAsync(HttpContext context)
    {
        try
        {
            await context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().ValidateRequestAsync(context);
            return true;
        }
        catch (Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException)
        {
            return false;
        }
    }

    private static async Task<IResult> SignInAsync(HttpContext context, SignInManager<PortalUser> signIn, CancellationToken ct)
    {
        if (!await ValidFormAsync(context)) return TypedResults.LocalRedirect(PortalIdentity.BasePath + "/login?error=expired");
        var form = await context.Request.ReadFormAsync(ct);
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = LocalOr(form["returnUrl"]);
        var user = email.Length == 0 ? null : await signIn.UserManager.FindByEmailAsync(email);
        if (user is null)
            return TypedResults.LocalRedirect(PortalIdentity.BasePath + "/login?error=invalid&returnUrl=" + Uri.EscapeDataString(returnUrl));
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (!result.Succeeded)
            return TypedResults.LocalRedirect(PortalIdentity.BasePath + "/login?error=" + (result.IsLockedOut ? "locked" : "invalid") + "&returnUrl=" + Uri.EscapeDataString(returnUrl));
        if (await TenantSuspension.RefusalAsync(context.RequestServices.GetRequiredService<KnowledgeDbContext>(), user.TenantId, ct) is not null
            && !await signIn.UserManager.IsInRoleAsync(user, PortalRoles.PlatformAdmin))
            return TypedResults.LocalRedirect(PortalIdentity.BasePath + "/login?error=suspended");
        await signIn.SignInAsync(user, isPersistent: false);
        return TypedResults.LocalRedirect(returnUrl);
    }

    /// <summary>An OpenID Connect sign-in is accepted only for an existing portal user with that e-mail (users are invited, not self-registered).</summary>
    private static async Task<IResult> ExternalCallbackAsync(HttpContext context, string? returnUrl, SignInManager<PortalUser> signIn)
    {
        if (await context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(PortalIdentity.OidcScheme) is null) return TypedResults.NotFound();
        var external = await context.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await context.SignOutAsync(IdentityConstants.ExternalScheme);
        var email = external.Principal?.FindFirstValue(ClaimTypes.Email) ?? external.Principal?.FindFirstValue("email");
        var user = email is null ? null : await signIn.UserManager.FindByEmailAsync(email);
        if (user is null) return TypedResults.LocalRedirect(PortalIdentity.BasePath + "/login?error=unknown_user");
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: PortalIdentity.OidcScheme);
        return TypedResults.LocalRedirect(LocalOr(returnUrl));
    }

    private static async Task<IResult> SwitchTenantAsync(HttpContext context, ClaimsPrincipal principal, SignInManager<PortalUser> signIn, KnowledgeDbContext db, CancellationToken ct)
    {
        if (!await ValidFormAsync(context)) return TypedResults.LocalRedirect(PortalIdentity.BasePath);
        var form = await context.Request.ReadFormAsync(ct);
        var tenant = form["tenant"].ToString();
        // A platform API key passes the policy too, but only a signed-in portal user has a tenant to switch.
        var user = signIn.UserManager.GetUserId(principal) is null ? null : await signIn.UserManager.GetUserAsync(principal);
        if (user is null || !await db.Tenants.AnyAsync(t => t.Id == tenant, ct)) return TypedResults.LocalRedirect(PortalIdentity.BasePath + "?error=unknown_tenant");
        user.ActiveTenantId = tenant == user.TenantId ? null : tenant;
        await signIn.UserManager.UpdateAsync(user);
        await signIn.RefreshSignInAsync(user);
        return TypedResults.LocalRedirect(LocalOr(form["returnUrl"]));
    }
}
