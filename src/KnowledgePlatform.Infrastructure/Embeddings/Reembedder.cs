using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>
/// Moves a knowledge base to another configured embedding model: every stored chunk is embedded again
/// (same text, same chunking), the new vectors are stored document by document, then the knowledge base
/// records the new model and its index is rebuilt from the stored vectors. Until that switch, searches
/// keep using the old model and the old index; an interrupted run is finished by running it again.
/// </summary>
public sealed class Reembedder(KnowledgeDbContext db, EmbeddingModelRegistry models, IChunkIndex index)
{
    public async Task<int> ReembedAsync(string tenantId, string knowledgeBaseId, string modelName, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var (card, generator) = models.Get(modelName);
        var kb = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.Id == knowledgeBaseId && k.TenantId == tenantId, cancellationToken);
        var documents = await db.Documents.AsNoTracking()
            .Where(d => d.KnowledgeBaseId == kb.Id && d.TenantId == tenantId && d.Status == DocumentStatus.Ready)
            .OrderBy(d => d.Id).ToListAsync(cancellationToken);
        var total = await db.Chunks.CountAsync(c => c.KnowledgeBaseId == kb.Id && c.TenantId == tenantId, cancellationToken);

        var done = 0;
        foreach (var document in documents)
        {
            var chunks = await db.Chunks.AsNoTracking().Where(c => c.DocumentId == document.Id).OrderBy(c => c.Ordinal).ToListAsync(cancellationToken);
            var title = document.Title ?? Path.GetFileNameWithoutExtension(document.FileName);
            var vectors = new List<byte[]>(chunks.Count);
            foreach (var batch in chunks.Chunk(16))
            {
                var embeddings = await generator.GenerateAsync(batch.Select(c => EmbeddingText.Of(title, c.HeadingPath, c.Text)), cancellationToken: cancellationToken);
                vectors.AddRange(embeddings.Select(e => e.Vector.Length == card.Dimension
                    ? Chunk.ToBytes(e.Vector.Span)
                    : throw new InvalidOperationException($"{card.Name} returned {e.Vector.Length} dimensions; {card.Dimension} are configured.")));
            }
            await using (var tx = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                for (var i = 0; i < chunks.Count; i++)
                {
                    var (id, bytes) = (chunks[i].Id, vectors[i]);
                    await db.Chunks.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Embedding, bytes), cancellationToken);
                }
                await tx.CommitAsync(cancellationToken);
            }
            progress?.Report((done += chunks.Count, total));
        }

        // The switch: the knowledge base names the new model, and its index is rebuilt from the new vectors.
        // Disabled chunks were re-embedded too (enabling one needs no embedding) but stay out of the index.
        await db.KnowledgeBases.Where(k => k.Id == kb.Id && k.TenantId == tenantId).ExecuteUpdateAsync(s => s
            .SetProperty(k => k.EmbeddingModel, card.Name)
            .SetProperty(k => k.EmbeddingDimension, card.Dimension)
            .SetProperty(k => k.ContentRevision, k => k.ContentRevision + 1), cancellationToken);
        await index.DeleteKnowledgeBaseAsync(tenantId, kb.Id, cancellationToken);
        foreach (var document in documents)
        {
            var chunks = await db.Chunks.AsNoTracking().Where(c => c.DocumentId == document.Id).OrderBy(c => c.Ordinal).ToListAsync(cancellationToken);
            await index.ReplaceDocumentAsync(new DocumentRef(tenantId, kb.Id, document.Id), IndexedChunk.Of(chunks, document), cancellationToken);
        }
        return done;
    }
}
