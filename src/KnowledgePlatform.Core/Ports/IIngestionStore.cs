using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// The durable state the ingestion runner works on: jobs, documents and their chunks.
/// The SQLite and PostgreSQL implementations differ in how a job is claimed safely.
/// </summary>
public interface IIngestionStore
{
    /// <summary>The tenant's document with this source name in the knowledge base, if any.</summary>
    Task<Document?> FindBySourceAsync(string tenantId, string knowledgeBaseId, string fileName, CancellationToken cancellationToken);

    /// <summary>The tenant's document with this id, if any.</summary>
    Task<Document?> FindAsync(string tenantId, string documentId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the document (new, or its next version) and its ingestion job in one transaction.
    /// Jobs still queued for older versions of the document are superseded. False, and nothing written, when the
    /// document comes from a source that was removed meanwhile: a sync still running never leaves a document behind.
    /// </summary>
    Task<bool> EnqueueAsync(Document document, IngestionJob job, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the next due job for <paramref name="workerId"/> for the lease time, or null when none is due.
    /// Never claims a job for a document that another live job is working on.
    /// </summary>
    Task<IngestionWork?> ClaimNextAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records progress and extends the job's lease: a report is also a heartbeat.</summary>
    Task ReportProgressAsync(string jobId, string documentId, string step, int percent, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="step"/> finished, so a resumed job starts after it.</summary>
    Task CompleteStepAsync(string jobId, string step, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the chunks (with embeddings) of one version of the document, in one transaction. A chunk whose text
    /// equals a disabled chunk of an older version of the document is saved disabled (its <see cref="Chunk.Disabled"/> is set).
    /// </summary>
    Task SaveChunksAsync(string documentId, int version, string? title, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken);

    /// <summary>Records whether (and how well) OCR read pages of this version; null: it read none.</summary>
    Task RecordRecognitionAsync(string documentId, int version, TextRecognition? recognition, CancellationToken cancellationToken);

    Task<IReadOnlyList<Chunk>> LoadChunksAsync(string documentId, int version, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the index now serves <paramref name="version"/>, drops the chunks of older versions
    /// and marks the document ready; false when the document was deleted meanwhile.
    /// </summary>
    Task<bool> SucceedAsync(string jobId, string documentId, int version, CancellationToken cancellationToken);

    /// <summary>Fails the attempt: retried after <paramref name="retryAfter"/>, or failed for good when it is null.</summary>
    Task FailAsync(string jobId, string documentId, string reason, TimeSpan? retryAfter, CancellationToken cancellationToken);

    /// <summary>Gives a job back unfinished (graceful shutdown): it is due again at once and resumes after its last durable step.</summary>
    Task ReleaseAsync(string jobId, CancellationToken cancellationToken);
}
