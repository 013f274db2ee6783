namespace KnowledgePlatform.Core.Domain;

/// <summary>Durable work item: one document to take through the ingestion steps.</summary>
public sealed class IngestionJob
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string DocumentId { get; init; }
    /// <summary>The document version this job ingests.</summary>
    public required int DocumentVersion { get; init; }
    public JobStatus Status { get; set; } = JobStatus.Queued;
    public int Attempts { get; set; }
    /// <summary>The last step that finished; a resumed job starts after it.</summary>
    public string? CompletedStep { get; set; }
    public string? LeasedBy { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public DateTimeOffset NotBefore { get; set; } = DateTimeOffset.UtcNow;
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
