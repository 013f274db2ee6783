namespace KnowledgePlatform.Core.Domain;

/// <summary>A place a knowledge base's documents come from and are kept in sync with: a web site or a folder (decision 0080).</summary>
public sealed class Source
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    public required string Name { get; set; }
    public required SourceKind Kind { get; init; }
    /// <summary>The settings of a web source; null for other kinds.</summary>
    public WebSourceSettings? Web { get; set; }
    /// <summary>The settings of a folder source; null for other kinds.</summary>
    public FolderSourceSettings? Folder { get; set; }
    /// <summary>How often the source syncs on its own; null: only when asked (and, for a watched folder, when it changes).</summary>
    public TimeSpan? Interval { get; set; }
    /// <summary>How long an item that vanished from the source keeps its document before it is removed.</summary>
    public TimeSpan RemovalGrace { get; set; }
    /// <summary>Access groups given to the source's documents (decision 0040); empty: the whole tenant sees them.</summary>
    public List<string> Groups { get; set; } = [];
    /// <summary>A paused source neither syncs on schedule nor on change; a running sync stops at the next item.</summary>
    public bool Paused { get; set; }
    /// <summary>When the schedule queues the next sync.</summary>
    public DateTimeOffset? NextSyncAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
