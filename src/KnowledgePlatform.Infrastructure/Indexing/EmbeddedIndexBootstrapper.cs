using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// Makes the embedded index agree with the metadata database at start-up: a knowledge base whose
/// index is missing or holds a different number of chunks than the indexed versions of its documents is rebuilt from
/// the stored chunks and embeddings, without re-embedding anything.
/// </summary>
public sealed class EmbeddedIndexBootstrapper(KnowledgeDbContext db, EmbeddedChunkIndex index, ChunkIndexRebuilder rebuilder, ILogger<EmbeddedIndexBootstrapper> logger)
{
    public async Task<int> RebuildStaleAsync(CancellationToken cancellationToken)
    {
        var expected = await db.Chunks.AsNoTracking().Where(c => !c.Disabled)
            .Join(db.Documents, c => new { c.DocumentId, Version = (int?)c.Version }, d => new { DocumentId = d.Id, Version = d.IndexedVersion }, (c, d) => c.KnowledgeBaseId)
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
            await rebuilder.ReindexEmptiedAsync(index, kb, cancellationToken);
        }
        index.Flush();
        return stale.Count;
    }
}
