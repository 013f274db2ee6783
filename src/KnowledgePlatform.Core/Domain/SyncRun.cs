namespace KnowledgePlatform.Core.Domain;

/// <summary>
/// One sync of a source, run by a worker that holds it with a lease (decision 0006). Its entries are the
/// durable frontier while it runs, so a worker that takes over a killed one's run goes on where it stopped.
/// The counts are recomputed from the entries, never incremented, so a resumed run counts every item once.
/// </summary>
public sealed class SyncRun
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string SourceId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    public SyncTrigger Trigger { get; init; }
    public SyncRunStatus Status { get; set; } = SyncRunStatus.Queued;
    /// <summary>listing, fetching, removing: what the running sync does now.</summary>
    public string? Phase { get; set; }
    /// <summary>The frontier was seeded (start URL or sitemap, or the folder listing).</summary>
    public bool Seeded { get; set; }
    /// <summary>The page limit stopped discovery: items not reached are not taken for vanished.</summary>
    public bool LimitReached { get; set; }
    public int Attempts { get; set; }
    public string? LeasedBy { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public int Discovered { get; set; }
    public int Processed { get; set; }
    public int Added { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Removed { get; set; }
    public int Failed { get; set; }
    public int Skipped { get; set; }
    /// <summary>Why the run failed, in words a curator can act on.</summary>
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
