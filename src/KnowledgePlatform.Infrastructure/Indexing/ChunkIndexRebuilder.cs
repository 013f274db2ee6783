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
    /// <summary>Indexes the stored chunks of the indexed version of every document of the knowledge base; returns how many chunks.</summary>
    public async Task<int> ReindexAsync(IChunkIndex index, string knowledgeBaseId, CancellationToken cancellationToken)
    {
        var documents = await db.Documents.AsNoTracking()
            .Where(d => d.KnowledgeBaseId == knowledgeBaseId && d.IndexedVersion != null)
            .OrderBy(d => d.Id)
            .ToListAsync(cancellationToken);
        var total = 0;
        foreach (var document in documents)
        {
            var chunks = await db.Chunks.AsNoTracking().Where(c => c.DocumentId == document.Id && c.Version == document.IndexedVersion)
                .OrderBy(c => c.Ordinal).ToListAsync(cancellationToken);
            var indexed = IndexedChunk.Of(chunks, document);
            await index.ReplaceDocumentAsync(new DocumentRef(document.TenantId, document.KnowledgeBaseId, document.Id), indexed, cancellationToken);
            total += indexed.Count;
        }
        return total;
    }
}
