namespace KnowledgePlatform.Core.Domain;

/// <summary>One question and its answer in a conversation.</summary>
public sealed class ConversationTurn
{
    public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required string TenantId { get; init; }
    public required int Ordinal { get; init; }
    public required string Question { get; init; }
    /// <summary>The question rewritten to stand on its own (what retrieval searched for).</summary>
    public required string StandaloneQuestion { get; init; }
    public required string Answer { get; init; }
    public required string Status { get; init; }
    /// <summary>The answer's citations as JSON (number, document, title, location, page, quote), for review.</summary>
    public string? Citations { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
