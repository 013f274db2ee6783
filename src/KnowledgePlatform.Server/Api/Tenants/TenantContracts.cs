using KnowledgePlatform.Server.Tenants;

namespace KnowledgePlatform.Server.Api.Tenants;

/// <summary>A tenant as the platform admin sees it.</summary>
public sealed record PlatformTenantDto(
    string Id, string Name, string? PolicyTemplate, DateTimeOffset CreatedAt, DateTimeOffset? SuspendedAt, string? SuspensionReason,
    int KnowledgeBases, int Documents, int Users);

/// <param name="Template">medical, customer-service or general (<see cref="TenantTemplate"/>).</param>
/// <param name="KnowledgeBase">The name of a first knowledge base, of the template's vertical; none when null.</param>
/// <param name="AdminEmail">Invites the tenant's first admin; the one-time link is in the answer.</param>
public sealed record CreateTenantRequest(string Id, string? Name = null, string? Template = null, string? KnowledgeBase = null, string? AdminEmail = null);

public sealed record CreatedTenantDto(PlatformTenantDto Tenant, InvitationDto? Invitation);

public sealed record InviteRequest(string Email, string? Role = null);

public sealed record SuspendRequest(string? Reason = null);
