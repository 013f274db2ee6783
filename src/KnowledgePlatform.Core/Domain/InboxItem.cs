namespace KnowledgePlatform.Core.Domain;

/// <summary>
/// One thing for a curator to act on. Unanswered questions that mean the same (by the knowledge base's embedding
/// model) share one item, counted; feedback and handoffs are an item each, pointing at their record.
/// </summary>
public sealed class InboxItem
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required InboxItemKind Kind { get; init; }
    public InboxItemStatus Status { get; set; }
    /// <summary>The portal user working on it.</summary>
    public string? AssigneeId { get; set; }
    public string? KnowledgeBaseId { get; init; }
    /// <summary>The question as it stands alone (a follow-up rewritten with its conversation), redacted by the policy.</summary>
    public required string Question { get; set; }
    /// <summary>Other wordings of the question that joined the group (the latest few), redacted.</summary>
    public IReadOnlyList<string> Examples { get; set; } = [];
    /// <summary>How many times it was asked (1 for feedback and handoffs).</summary>
    public int Count { get; set; } = 1;
    /// <summary>Nothing in the knowledge base is near the question: likely not for this knowledge base at all.</summary>
    public bool OffTopic { get; set; }
    public string? Channel { get; set; }
    /// <summary>The (latest) conversation the question was asked in, and the turn.</summary>
    public string? ConversationId { get; set; }
    public int? TurnOrdinal { get; set; }
    /// <summary>The feedback's or the handoff's id.</summary>
    public string? SourceId { get; init; }
    /// <summary>The group's question embedded by <see cref="EmbeddingModel"/> (unanswered questions only).</summary>
    public byte[]? Embedding { get; init; }
    public string? EmbeddingModel { get; init; }
    /// <summary>The Q&A document a curator added to resolve it.</summary>
    public string? ResolutionDocumentId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
