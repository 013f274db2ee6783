using System.Runtime.CompilerServices;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// Re-indexes knowledge bases from the metadata database, which holds every chunk with its embedding
/// (decision 2): nothing is extracted or embedded again. Serves the embedded index's start-up repair
/// and `kp db reindex` (for example into a new or lost Qdrant collection).
/// </summary>
public sealed class ChunkIndexRebuilder(KnowledgeDbContext db)
{
    /// <summary>Chunks per bulk transaction when an emptied embedded index is filled again.</summary>
    private const int BulkBatch = 5_000;

    /// <summary>Indexes the stored chunks of the indexed version of every document of the knowledge base; returns how many chunks.</summary>
    public async Task<int> ReindexAsync(IChunkIndex index, string knowledgeBaseId, CancellationToken cancellationToken)
    {
        var total = 0;
        await foreach (var (document, chunks) in IndexedDocumentsAsync(knowledgeBaseId, cancellationToken))
        {
            await index.ReplaceDocumentAsync(document, chunks, cancellationToken);
            total += chunks.Count;
        }
        return total;
    }

    /// <summary>
    /// The same for an embedded index that holds nothing of the knowledge base (just reset): through its bulk path,
    /// documents gathered into transactions of about <see cref="BulkBatch"/> chunks.
    /// </summary>
    public async Task<int> ReindexEmptiedAsync(EmbeddedChunkIndex index, string knowledgeBaseId, CancellationToken cancellationToken)
    {
        var (total, batch) = (0, new List<IndexedChunk>(BulkBatch));
        await foreach (var (_, chunks) in IndexedDocumentsAsync(knowledgeBaseId, cancellationToken))
        {
            batch.AddRange(chunks);
            if (batch.Count < BulkBatch) continue;
            await index.AddChunksAsync(batch, cancellationToken);
            (total, batch) = (total + batch.Count, new List<IndexedChunk>(BulkBatch));
        }
        await index.AddChunksAsync(batch, cancellationToken);
        return total + batch.Count;
    }

    private async IAsyncEnumerable<(DocumentRef Document, IReadOnlyList<IndexedChunk> Chunks)> IndexedDocumentsAsync(
        string knowledgeBaseId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var documents = await db.Documents.AsNoTracking()
            .Where(d => d.KnowledgeBaseId == knowledgeBaseId && d.IndexedVersion != null)
            .OrderBy(d => d.Id)
            .ToListAsync(cancellationToken);
        foreach (var document in documents)
        {
            var chunks = await db.Chunks.AsNoTracking().Where(c => c.DocumentId == document.Id && c.Version == document.IndexedVersion)
                .OrderBy(c => c.Ordinal).ToListAsync(cancellationToken);
            yield return (new DocumentRef(document.TenantId, document.KnowledgeBaseId, document.Id), IndexedChunk.Of(chunks, document));
        }
    }
}
