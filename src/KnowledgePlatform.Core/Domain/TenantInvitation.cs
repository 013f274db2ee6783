namespace KnowledgePlatform.Core.Domain;

/// <summary>
/// A one-time invitation into a tenant (decision 0156): the link carries a secret of which only the SHA-256 is stored;
/// it lets the invitee set a password once, before it expires.
/// </summary>
public sealed class TenantInvitation
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Email { get; init; }
    /// <summary>The portal role the invitee gets.</summary>
    public required string Role { get; init; }
    public required string Hash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    /// <summary>Who invited (the audit actor).</summary>
    public string? CreatedBy { get; init; }
    /// <summary>When the link was used; a used link never works again.</summary>
    public DateTimeOffset? AcceptedAt { get; set; }
}
