using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// The searchable index of chunks: dense vectors and full text. Implemented by the embedded store
/// (USearch + SQLite FTS5) and by Qdrant. Every query carries the tenant; an implementation must
/// enforce it inside the index query, never by filtering afterwards.
/// </summary>
public interface IChunkIndex
{
    /// <summary>Makes the document's indexed chunks exactly <paramref name="chunks"/> (idempotent).</summary>
    Task ReplaceDocumentAsync(DocumentRef document, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken);

    Task DeleteDocumentAsync(DocumentRef document, CancellationToken cancellationToken);

    Task DeleteKnowledgeBaseAsync(string tenantId, string knowledgeBaseId, CancellationToken cancellationToken);

    /// <summary>Nearest chunks by cosine similarity; Score is the similarity (higher is closer).</summary>
    Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, int top, CancellationToken cancellationToken);

    /// <summary>Best chunks by BM25; Score is the BM25 score (higher is better).</summary>
    Task<IReadOnlyList<ChunkHit>> SearchKeywordAsync(ChunkFilter filter, string query, int top, CancellationToken cancellationToken);

    Task<long> CountAsync(ChunkFilter filter, CancellationToken cancellationToken);
}

public sealed record DocumentRef(string TenantId, string KnowledgeBaseId, string DocumentId);

/// <summary>Which chunks a query may see. The tenant is mandatory; the knowledge bases must be the tenant's.</summary>
public sealed record ChunkFilter(string TenantId, IReadOnlyList<string> KnowledgeBaseIds)
{
    public IReadOnlyList<string>? DocumentIds { get; init; }
}

/// <summary>A chunk with everything needed to show and cite it without another lookup.</summary>
public sealed record ChunkPayload(
    string ChunkId,
    string TenantId,
    string KnowledgeBaseId,
    string DocumentId,
    string DocumentTitle,
    string FileName,
    int Ordinal,
    string Text,
    string HeadingPath,
    int? Page,
    int? Line,
    ChunkKind Kind)
{
    public string Location => Domain.Location.Describe(Page, Line, HeadingPath);

    /// <summary>The document version the chunk was cut from.</summary>
    public int DocumentVersion { get; init; } = 1;

    public static ChunkPayload From(Chunk c, string documentTitle, string fileName) =>
        new(c.Id, c.TenantId, c.KnowledgeBaseId, c.DocumentId, documentTitle, fileName, c.Ordinal, c.Text, c.HeadingPath, c.Page, c.Line, c.Kind)
        {
            DocumentVersion = c.Version,
        };
}

public sealed record IndexedChunk(ChunkPayload Payload, ReadOnlyMemory<float> Vector)
{
    public static IndexedChunk From(Chunk c, string documentTitle, string fileName) =>
        new(ChunkPayload.From(c, documentTitle, fileName), c.Vector());
}

public sealed record ChunkHit(ChunkPayload Chunk, double Score);

/// <summary>
/// The chunk index cannot be reached (a vector database down or overloaded). Callers may retry later:
/// the API answers 503 with the reason, ingestion retries the job with backoff.
/// </summary>
public sealed class IndexUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
