namespace KnowledgePlatform.Core.Domain;

/// <summary>A knowledge base published read-only by the platform tenant to another tenant.</summary>
public sealed class KnowledgeBaseShare
{
    public required string KnowledgeBaseId { get; init; }
    /// <summary>The tenant the knowledge base is published to (the grantee, not the owner).</summary>
    public required string TenantId { get; init; }
    public DateTimeOffset GrantedAt { get; init; } = DateTimeOffset.UtcNow;
    public required string GrantedBy { get; init; }
}
