namespace KnowledgePlatform.Server.Tenants;

/// <summary>An invitation as the platform admin sees it; <see cref="Link"/> only in the answer that creates it.</summary>
public sealed record InvitationDto(string Id, string TenantId, string Email, string Role, DateTimeOffset ExpiresAt, DateTimeOffset? AcceptedAt, string? Link = null);
