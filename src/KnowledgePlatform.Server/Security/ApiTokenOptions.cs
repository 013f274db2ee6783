namespace KnowledgePlatform.Server.Security;

/// <summary>
/// Configuration section "ApiTokens": OAuth2 bearer tokens from one OpenID Connect issuer, accepted by the REST API next
/// to API keys (decision 0111). Off until Authority is set.
/// </summary>
public sealed class ApiTokenOptions
{
    public const string Section = "ApiTokens";

    /// <summary>The issuer's base URL; its /.well-known/openid-configuration names the issuer and the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The aud the tokens must carry (the API's identifier at the issuer).</summary>
    public string? Audience { get; set; }

    /// <summary>The claim that names the tenant; it must be an existing tenant's id.</summary>
    public string TenantClaim { get; set; } = "kp_tenant";

    /// <summary>The claim (one value or an array) with the role: tenant-admin, curator or viewer (platform-admin on the platform tenant).</summary>
    public string RoleClaim { get; set; } = "kp_role";

    /// <summary>The claim with access groups (decision 0040); optional.</summary>
    public string GroupsClaim { get; set; } = "kp_groups";

    /// <summary>Only for an issuer on loopback in development and tests: allows an http Authority.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>How far token times may be off.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
