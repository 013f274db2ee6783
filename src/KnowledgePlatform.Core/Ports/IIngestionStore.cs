using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// The durable state the ingestion runner works on: jobs, documents and their chunks.
/// The SQLite and PostgreSQL implementations differ in how a job is claimed safely.
/// </summary>
public interface IIngestionStore
{
    /// <summary>Writes a new document and its ingestion job in one transaction.</summary>
    Task EnqueueAsync(Document document, IngestionJob job, CancellationToken cancellationToken);

    /// <summary>Claims the next due job for <paramref name="workerId"/> for the lease time, or null when none is due.</summary>
    Task<IngestionWork?> ClaimNextAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken);

    Task ReportProgressAsync(string jobId, string documentId, string step, int percent, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="step"/> finished, so a resumed job starts after it.</summary>
    Task CompleteStepAsync(string jobId, string step, CancellationToken cancellationToken);

    /// <summary>Replaces the document's stored chunks (with embeddings) in one transaction.</summary>
    Task SaveChunksAsync(string documentId, string? title, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken);

    Task<IReadOnlyList<Chunk>> LoadChunksAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>Marks the document ready; false when it was deleted while being ingested.</summary>
    Task<bool> SucceedAsync(string jobId, string documentId, CancellationToken cancellationToken);

    /// <summary>Fails the attempt: retried after <paramref name="retryAfter"/>, or failed for good when it is null.</summary>
    Task FailAsync(string jobId, string documentId, string reason, TimeSpan? retryAfter, CancellationToken cancellationToken);
}

/// <summary>A claimed job with the document and knowledge base it is about.</summary>
public sealed record IngestionWork(IngestionJob Job, Document Document, KnowledgeBase KnowledgeBase);
