using Microsoft.AspNetCore.Identity;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>
/// A person who signs in to the portal (ASP.NET Core Identity). A user belongs to one tenant; their role
/// (an Identity role) decides their scopes and their groups decide which documents they see.
/// </summary>
public sealed class PortalUser : IdentityUser
{
    public required string TenantId { get; set; }

    public string? DisplayName { get; set; }

    /// <summary>Document groups the user holds (claim kp:group).</summary>
    public IReadOnlyList<string> Groups { get; set; } = [];

    /// <summary>For platform admins: the tenant they currently work in (the tenant switcher); null means their own.</summary>
    public string? ActiveTenantId { get; set; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
