using System.ComponentModel.DataAnnotations;
using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Security;

/// <summary>
/// Configuration section "Platform": the platform tenant, whose keys with the <see cref="ApiScopes.Platform"/>
/// scope administer the platform (publishing shared knowledge bases, tenant quotas). Decision 0042.
/// </summary>
public sealed class PlatformOptions
{
    public const string Section = "Platform";

    /// <summary>The platform tenant's id; created at start-up when missing.</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9_-]{0,63}$", ErrorMessage = "Platform:TenantId must be 1 to 64 lowercase letters, digits, '-' or '_'.")]
    public string TenantId { get; set; } = "platform";

    [Required, StringLength(200, MinimumLength = 1)]
    public string TenantName { get; set; } = "Platform";

    /// <summary>
    /// When set, a platform admin key with this secret is created at start-up (once): the bootstrap credential
    /// of a deployment. Keep it in a secret store; at least 32 characters.
    /// </summary>
    [MinLength(32, ErrorMessage = "Platform:AdminKey must be at least 32 characters.")]
    public string? AdminKey { get; set; }
}
