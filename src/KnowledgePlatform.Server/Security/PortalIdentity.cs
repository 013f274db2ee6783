using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;

namespace KnowledgePlatform.Server.Security;

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
}
