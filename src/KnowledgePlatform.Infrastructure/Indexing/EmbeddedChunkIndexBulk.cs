using System.Text.Json;
using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>The embedded index's bulk path: many new chunks in one transaction (imports, padded benchmark knowledge bases).</summary>
public sealed partial class EmbeddedChunkIndex
{
    /// <summary>
    /// Adds chunks of documents the index does not hold yet, of any number of documents at once: one transaction for
    /// the whole list, each statement prepared once, BM25 postings added to Lucene from every core and the statistics
    /// updated once per scope and term; the texts are analysed while the rows are written, and the postings and vectors
    /// go in while the statistics are. Vectors go in before the rows commit, so a search sees all of the list or none of it.
    /// A chunk id the index already holds fails the whole list (nothing is written): replacing a document is
    /// <see cref="ReplaceDocumentAsync"/>'s job.
    /// </summary>
    public async Task AddChunksAsync(IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken)
    {
        if (chunks.Count == 0) return;
        var byKnowledgeBase = chunks.GroupBy(c => c.Payload.KnowledgeBaseId).ToList();
        foreach (var kb in byKnowledgeBase)
        {
            var dimension = HasVectors(kb.Key) ? Vectors(kb.Key).Dimension : kb.First().Vector.Length;
            if (kb.FirstOrDefault(c => c.Vector.Length != dimension) is { } wrong)
                throw new ArgumentException(
                    $"Chunk {wrong.Payload.ChunkId} has {wrong.Vector.Length} dimensions; the vector index of knowledge base {kb.Key} has {dimension}.", nameof(chunks));
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // The texts are analysed from the pool while this thread writes the rows.
            var analysing = Task.Run(() => Bm25Index.Analyse([.. chunks.Select(c => c.Payload.SearchableText)]), cancellationToken);
            using var connection = Open();
            using var tx = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO chunks(chunk_id, tenant_id, kb_id, document_id, ordinal, groups, payload) VALUES ($id, $t, $kb, $doc, $ordinal, $groups, $payload)
                RETURNING key
                """;
            var parameters = new[] { "$id", "$t", "$kb", "$doc", "$ordinal", "$groups", "$payload" }.Select(n => insert.Parameters.Add(n, Microsoft.Data.Sqlite.SqliteType.Text)).ToArray();
            insert.Prepare();
            var keys = new long[chunks.Count];
            for (var i = 0; i < chunks.Count; i++)
            {
                var p = chunks[i].Payload;
                (parameters[0].Value, parameters[1].Value, parameters[2].Value, parameters[3].Value) = (p.ChunkId, p.TenantId, p.KnowledgeBaseId, p.DocumentId);
                (parameters[4].Value, parameters[5].Value, parameters[6].Value) = (p.Ordinal, JsonSerializer.Serialize(p.Groups), JsonSerializer.Serialize(p));
                keys[i] = (long)insert.ExecuteScalar()!;
            }
            var analysed = await analysing;

            // Invisible until the commit: a vector only counts once its row is committed. Placed from the pool while
            // this thread writes the BM25 statistics.
            var vectors = Task.Run(() =>
            {
                foreach (var kb in byKnowledgeBase)
                    Vectors(kb.Key, kb.First().Vector.Length).Add(chunks.Select((c, i) => (c, i)).Where(x => x.c.Payload.KnowledgeBaseId == kb.Key).Select(x => ((ulong)keys[x.i], x.c.Vector)));
            }, cancellationToken);
            try
            {
                _bm25.Add(connection, tx, [.. chunks.Select((c, i) => Bm25Chunk(keys[i], c.Payload))], analysed);
            }
            finally
            {
                await vectors;
            }
            Commit(connection, tx);
        }
        catch
        {
            Swap(_bm25.Abandon);
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
