namespace KnowledgePlatform.Core.Domain;

/// <summary>A visitor's thumbs up or down on an answer, with an optional comment.</summary>
public sealed class AnswerFeedback
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public string? ConversationId { get; init; }
    public string? KnowledgeBaseId { get; init; }
    /// <summary>+1 (helpful) or -1 (not helpful).</summary>
    public required int Rating { get; init; }
    public string? Comment { get; init; }
    /// <summary>The key that sent it.</summary>
    public required string Actor { get; init; }
    public required string Channel { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
