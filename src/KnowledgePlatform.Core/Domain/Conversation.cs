namespace KnowledgePlatform.Core.Domain;

/// <summary>A multi-turn exchange with one knowledge base; follow-up questions are read in its light.</summary>
public sealed class Conversation
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    /// <summary>The channel the conversation came through (widget, api, clinical…); set on its first answer.</summary>
    public string? Channel { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>Last turn; conversations idle longer than the retention period are deleted.</summary>
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
