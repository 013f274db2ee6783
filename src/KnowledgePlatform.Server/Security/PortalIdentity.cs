using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Security;

/// <summary>Configuration section "Portal": the first platform admin, optional OpenID Connect sign-in.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>Where the portal reaches the REST API; empty: this server's own first address.</summary>
    public string? ApiBaseUrl { get; set; }

    /// <summary>The first platform admin, created at start-up when no user has that e-mail yet.</summary>
    public PortalAdminOptions Admin { get; set; } = new();

    /// <summary>Sign-in through an OpenID Connect provider; registered only when Authority is set.</summary>
    public OpenIdConnectSettings OpenIdConnect { get; set; } = new();
}

public sealed class PortalAdminOptions
{
    public string? Email { get; set; }
    public string? Password { get; set; }
    /// <summary>The platform admin's home tenant (created when missing).</summary>
    public string Tenant { get; set; } = "platform";
}

public sealed class OpenIdConnectSettings
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    /// <summary>The button's label on the sign-in page.</summary>
    public string DisplayName { get; set; } = "Single sign-on";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

/// <summary>
/// Portal users: ASP.NET Core Identity on the metadata database, a sign-in cookie, and optional OpenID
/// Connect. A signed-in user carries the same claims an API key does (tenant, scopes, groups), with channel
/// "portal", so the REST API's checks apply to them unchanged.
/// </summary>
public static class PortalIdentity
{
    public const string CookieName = ".KnowledgePlatform.Portal";
    public const string BasePath = "/portal";
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;

    public static IHostApplicationBuilder AddPortalIdentity(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(PortalOptions.Section);
        builder.Services.AddOptions<PortalOptions>().Bind(section)
            .Validate(o => string.IsNullOrEmpty(o.Admin.Email) == string.IsNullOrEmpty(o.Admin.Password),
                "Portal:Admin needs both Email and Password (or neither).")
            .Validate(o => !o.OpenIdConnect.Enabled || !string.IsNullOrWhiteSpace(o.OpenIdConnect.ClientId),
                "Portal:OpenIdConnect:Authority is set, so Portal:OpenIdConnect:ClientId is required too.")
            .Validate(o => !o.OpenIdConnect.Enabled || Uri.TryCreate(o.OpenIdConnect.Authority, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps,
                "Portal:OpenIdConnect:Authority must be an absolute https URL.")
            .ValidateOnStart();

        builder.Services.AddIdentityCore<PortalUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                // Length over character classes (NIST SP 800-63B).
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireDigit = false;
                o.Password.RequireUppercase = false;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<KnowledgeDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddDefaultTokenProviders();

        var authentication = builder.Services.AddAuthentication();
        authentication.AddCookie(IdentityConstants.ApplicationScheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = BasePath + "/login";
            o.LogoutPath = BasePath + "/account/logout";
            o.AccessDeniedPath = BasePath + "/denied";
            // The API answers with Problem Details, never with a redirect to the sign-in page.
            o.Events.OnRedirectToLogin = c => IsApi(c.Request)
                ? ApiProblems.WriteAsync(c.HttpContext, StatusCodes.Status401Unauthorized, "not_signed_in", "Sign in again: the portal session has ended.")
                : Redirect(c);
            o.Events.OnRedirectToAccessDenied = c => IsApi(c.Request)
                ? ApiProblems.WriteAsync(c.HttpContext, StatusCodes.Status403Forbidden, "insufficient_scope", "Your role does not allow this operation.")
                : Redirect(c);
            o.Events.OnValidatePrincipal = DelegatedSignIn.ValidatePrincipalAsync;
            o.Events.OnCheckSlidingExpiration = DelegatedSignIn.CheckSlidingExpiration;
        });
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        builder.Services.AddScoped<ISecurityStampValidator, SecurityStampValidator<PortalUser>>();
        authentication.AddCookie(IdentityConstants.ExternalScheme, o => o.Cookie.Name = CookieName + ".External");

        var oidc = section.GetSection(nameof(PortalOptions.OpenIdConnect)).Get<OpenIdConnectSettings>() ?? new();
        if (oidc.Enabled)
        {
            authentication.AddOpenIdConnect(OidcScheme, oidc.DisplayName, o =>
            {
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = "code";
                o.SignInScheme = IdentityConstants.ExternalScheme;
                o.Scope.Add("email");
                o.CallbackPath = BasePath + "/signin-oidc";
            });
        }

        builder.Services.AddHostedService<PortalSeeder>();
        return builder;
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs");

    private static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Sign-in, sign-out, the external (OpenID Connect) callback and the tenant switcher: plain form posts that set the cookie.</summary>
    public static WebApplication MapPortalAccount(this WebApplication app)
    {
        var account = app.MapGroup(BasePath + "/account").ExcludeFromDescription();
        account.MapPost("/login", SignInAsync);
        account.MapPost("/logout", async (HttpContext context, SignInManager<PortalUser> signIn) =>
        {
            if (!await ValidFormAsync(context)) return TypedResults.LocalRedirect(BasePath);
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect(BasePath + "/login");
        });
        account.MapGet("/external", async Task<IResult> (string? returnUrl, SignInManager<PortalUser> signIn, IAuthenticationSchemeProvider schemes) =>
        {
            // Without OpenID Connect configured there is nothing to sign in with.
            if (await schemes.GetSchemeAsync(OidcScheme) is null) return TypedResults.NotFound();
            var properties = signIn.ConfigureExternalAuthenticationProperties(OidcScheme, BasePath + "/account/external-callback?returnUrl=" + Uri.EscapeDataString(LocalOr(returnUrl)));
            return TypedResults.Challenge(properties, [OidcScheme]);
        });
        account.MapGet("/external-callback", ExternalCallbackAsync);
        account.MapPost("/tenant", SwitchTenantAsync).RequireAuthorization(ApiScopes.Platform);
        account.MapPost("/invitation", Tenants.InvitationAcceptance.AcceptAsync);
        return app;
    }

    private static string LocalOr(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith(BasePath, StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : BasePath;

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
        if (!await ValidFormAsync(context)) return TypedResults.LocalRedirect(BasePath + "/login?error=expired");
        var form = await context.Request.ReadFormAsync(ct);
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = LocalOr(form["returnUrl"]);
        var user = email.Length == 0 ? null : await signIn.UserManager.FindByEmailAsync(email);
        if (user is null)
            return TypedResults.LocalRedirect(BasePath + "/login?error=invalid&returnUrl=" + Uri.EscapeDataString(returnUrl));
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (!result.Succeeded)
            return TypedResults.LocalRedirect(BasePath + "/login?error=" + (result.IsLockedOut ? "locked" : "invalid") + "&returnUrl=" + Uri.EscapeDataString(returnUrl));
        if (await Tenants.TenantSuspension.RefusalAsync(context.RequestServices.GetRequiredService<KnowledgeDbContext>(), user.TenantId, ct) is not null
            && !await signIn.UserManager.IsInRoleAsync(user, PortalRoles.PlatformAdmin))
            return TypedResults.LocalRedirect(BasePath + "/login?error=suspended");
        await signIn.SignInAsync(user, isPersistent: false);
        return TypedResults.LocalRedirect(returnUrl);
    }

    /// <summary>An OpenID Connect sign-in is accepted only for an existing portal user with that e-mail (users are invited, not self-registered).</summary>
    private static async Task<IResult> ExternalCallbackAsync(HttpContext context, string? returnUrl, SignInManager<PortalUser> signIn)
    {
        if (await context.RequestServices.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(OidcScheme) is null) return TypedResults.NotFound();
        var external = await context.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await context.SignOutAsync(IdentityConstants.ExternalScheme);
        var email = external.Principal?.FindFirstValue(ClaimTypes.Email) ?? external.Principal?.FindFirstValue("email");
        var user = email is null ? null : await signIn.UserManager.FindByEmailAsync(email);
        if (user is null) return TypedResults.LocalRedirect(BasePath + "/login?error=unknown_user");
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: OidcScheme);
        return TypedResults.LocalRedirect(LocalOr(returnUrl));
    }

    private static async Task<IResult> SwitchTenantAsync(HttpContext context, ClaimsPrincipal principal, SignInManager<PortalUser> signIn, KnowledgeDbContext db, CancellationToken ct)
    {
        if (!await ValidFormAsync(context)) return TypedResults.LocalRedirect(BasePath);
        var form = await context.Request.ReadFormAsync(ct);
        var tenant = form["tenant"].ToString();
        // A platform API key passes the policy too, but only a signed-in portal user has a tenant to switch.
        var user = signIn.UserManager.GetUserId(principal) is null ? null : await signIn.UserManager.GetUserAsync(principal);
        if (user is null || !await db.Tenants.AnyAsync(t => t.Id == tenant, ct)) return TypedResults.LocalRedirect(BasePath + "?error=unknown_tenant");
        user.ActiveTenantId = tenant == user.TenantId ? null : tenant;
        await signIn.UserManager.UpdateAsync(user);
        await signIn.RefreshSignInAsync(user);
        return TypedResults.LocalRedirect(LocalOr(form["returnUrl"]));
    }
}

/// <summary>The claims of a signed-in user: the same kinds an API key gets, scopes from the role.</summary>
public sealed class PortalClaimsFactory(UserManager<PortalUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var role = PortalRoles.Effective(await UserManager.GetRolesAsync(user));
        var tenant = role == PortalRoles.PlatformAdmin ? user.ActiveTenantId ?? user.TenantId : user.TenantId;
        identity.AddClaim(new Claim(ApiKeyAuthenticationHandler.TenantClaim, tenant));
        identity.AddClaim(new Claim(ApiKeyAuthenticationHandler.KeyClaim, "user:" + user.Id));
        identity.AddClaim(new Claim(ApiKeyAuthenticationHandler.ChannelClaim, PortalClaims.PortalChannel));
        identity.AddClaim(new Claim(ClaimTypes.Role, role));
        if (user.DisplayName is { Length: > 0 } display) identity.AddClaim(new Claim("kp:display-name", display));
        identity.AddClaims(PortalRoles.Scopes(role).Select(s => new Claim(ApiKeyAuthenticationHandler.ScopeClaim, s)));
        identity.AddClaims(user.Groups.Select(g => new Claim(ApiKeyAuthenticationHandler.GroupClaim, g)));
        return identity;
    }
}

/// <summary>Creates the roles and the configured first platform admin; demo users come with the demo tenants.</summary>
public sealed class PortalSeeder(IServiceScopeFactory scopes, IOptions<PortalOptions> options, ILogger<PortalSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));

        var admin = options.Value.Admin;
        if (string.IsNullOrEmpty(admin.Email) || string.IsNullOrEmpty(admin.Password)) return;
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        if (!await db.Tenants.AnyAsync(t => t.Id == admin.Tenant, cancellationToken))
        {
            db.Tenants.Add(new Tenant { Id = admin.Tenant, Name = "Platform" });
            await db.SaveChangesAsync(cancellationToken);
        }
        if (await EnsureUserAsync(scope.ServiceProvider, admin.Tenant, admin.Email, admin.Password, PortalRoles.PlatformAdmin))
            logger.LogInformation("Created the first platform admin {Email}", admin.Email);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates a user with one role unless one with that e-mail exists; true when created.</summary>
    public static async Task<bool> EnsureUserAsync(IServiceProvider services, string tenant, string email, string password, string role)
    {
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByEmailAsync(email) is not null) return false;
        var user = new PortalUser { TenantId = tenant, UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new InvalidOperationException($"Could not create portal user {email}: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        await users.AddToRoleAsync(user, role);
        return true;
    }
}

/// <summary>A user as the users API shows it.</summary>
public sealed record UserDto(string Id, string Email, string? DisplayName, string TenantId, string Role, IReadOnlyList<string> Groups, DateTimeOffset CreatedAt, bool LockedOut);

public sealed record CreateUserRequest(
    [property: Required] string Email, [property: Required] string Password, string Role, IReadOnlyList<string>? Groups = null, string? DisplayName = null, string? Tenant = null);

public sealed record UpdateUserRequest(string? Role = null, IReadOnlyList<string>? Groups = null, string? DisplayName = null, string? Password = null);
