using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// Makes the embedded index agree with the metadata database at start-up: a knowledge base whose
/// index is missing or holds a different number of chunks than its ready documents is rebuilt from
/// the stored chunks and embeddings, without re-embedding anything.
/// </summary>
public sealed class EmbeddedIndexBootstrapper(KnowledgeDbContext db, EmbeddedChunkIndex index, ILogger<EmbeddedIndexBootstrapper> logger)
{
    public async Task<int> RebuildStaleAsync(CancellationToken cancellationToken)
    {
        var expected = await db.Chunks.AsNoTracking()
            .Join(db.Documents.Where(d => d.Status == DocumentStatus.Ready), c => c.DocumentId, d => d.Id, (c, d) => c.KnowledgeBaseId)
            .GroupBy(kb => kb)
            .Select(g => new { KnowledgeBaseId = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(x => x.KnowledgeBaseId, x => x.Count, cancellationToken);
        var (rows, vectors) = index.Inventory();

        var stale = expected.Keys.Union(rows.Keys)
            .Where(kb => expected.GetValueOrDefault(kb) != rows.GetValueOrDefault(kb) || expected.GetValueOrDefault(kb) != vectors.GetValueOrDefault(kb))
            .ToList();
        foreach (var kb in stale)
        {
            logger.LogWarning("Rebuilding the embedded index of knowledge base {KnowledgeBase}: expected {Expected} chunks, found {Rows} rows and {Vectors} vectors",
                kb, expected.GetValueOrDefault(kb), rows.GetValueOrDefault(kb), vectors.GetValueOrDefault(kb));
            index.Reset(kb);
            var documents = await db.Documents.AsNoTracking()
                .Where(d => d.KnowledgeBaseId == kb && d.Status == DocumentStatus.Ready)
                .ToListAsync(cancellationToken);
            foreach (var document in documents)
            {
                var chunks = await db.Chunks.AsNoTracking().Where(c => c.DocumentId == document.Id).OrderBy(c => c.Ordinal).ToListAsync(cancellationToken);
                var indexed = chunks.Select(c => IndexedChunk.From(c, document)).ToList();
                await index.ReplaceDocumentAsync(new DocumentRef(document.TenantId, document.KnowledgeBaseId, document.Id), indexed, cancellationToken);
            }
        }
        index.Flush();
        return stale.Count;
    }
}
