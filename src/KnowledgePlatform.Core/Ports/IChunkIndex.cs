namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// The searchable index of chunks: dense vectors and full text. Implemented by the embedded store
/// (partitioned vectors + our BM25 index) and by Qdrant. Every query carries the tenant; an implementation must
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

    /// <summary>
    /// The cosine similarity to <paramref name="vector"/> of each of the given chunks that the filter lets the caller
    /// read, by chunk id (the others are left out): what a dense search scores a chunk it did not rank among its best,
    /// such as one only BM25 found.
    /// </summary>
    Task<IReadOnlyDictionary<string, double>> DenseSimilaritiesAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken);

    /// <summary>Best chunks by BM25; Score is the BM25 score (higher is better).</summary>
    Task<IReadOnlyList<ChunkHit>> SearchKeywordAsync(ChunkFilter filter, string query, int top, CancellationToken cancellationToken);

    Task<long> CountAsync(ChunkFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// The chunks of one document with ordinals from <paramref name="fromOrdinal"/> to <paramref name="toOrdinal"/>,
    /// in order, inside the filter (neighbour expansion). An index that cannot list a document's chunks
    /// says so; expansion is off unless a knowledge base asks for it.
    /// </summary>
    Task<IReadOnlyList<ChunkPayload>> GetDocumentChunksAsync(ChunkFilter filter, string documentId, int fromOrdinal, int toOrdinal, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot list a document's chunks, so neighbour expansion is not available with it.");
}
