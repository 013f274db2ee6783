namespace KnowledgePlatform.Core.Domain;

/// <summary>One item of one sync run: pending while it waits, then what happened to it and why.</summary>
public sealed class SyncEntry
{
    public long Id { get; init; }
    public required string RunId { get; init; }
    public required string TenantId { get; init; }
    public required string Key { get; init; }
    /// <summary>Links away from the start URL or a sitemap entry (0 for those and for files).</summary>
    public int Depth { get; init; }
    public SyncOutcome Outcome { get; set; } = SyncOutcome.Pending;
    public string? Reason { get; set; }
    public string? DocumentId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
