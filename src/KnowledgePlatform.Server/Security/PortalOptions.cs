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
