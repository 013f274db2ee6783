using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>The embedded index's dense similarity of chunks by id, for the ones a dense search did not rank among its best.</summary>
public sealed partial class EmbeddedChunkIndex
{
    public Task<IReadOnlyDictionary<string, double>> DenseSimilaritiesAsync(
        ChunkFilter filter, ReadOnlyMemory<float> vector, IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken) =>
        Task.FromResult(chunkIds.Count == 0 ? new Dictionary<string, double>() : Visible(() => DenseSimilarities(filter, vector, chunkIds)));

    /// <summary>
    /// The rows of the ids that the filter may read, each scored on its stored vector. Scope, groups and documents are
    /// conditions in SQL; the payload is read only for the conditions that live in it (tags, effective dates).
    /// </summary>
    private IReadOnlyDictionary<string, double> DenseSimilarities(ChunkFilter filter, ReadOnlyMemory<float> vector, IReadOnlyCollection<string> chunkIds)
    {
        var readPayload = filter.Tags is not null || filter.EffectiveFrom is not null || filter.EffectiveTo is not null;
        using var connection = Open();
        using var command = connection.CreateCommand();
        // The rows found by id first: asked for a score of ids, SQLite prefers the scope index and reads every row of the
        // knowledge base (20 ids at 3,000 chunks: 0.55 ms, against 0.07 ms by rowid); NOT INDEXED leaves it the rowid lookups.
        command.CommandText = $"""
            SELECT key, chunk_id, kb_id{(readPayload ? ", payload" : "")} FROM chunks NOT INDEXED
            WHERE key IN (SELECT key FROM chunks WHERE {InList(command, "chunk_id", "chunk", chunkIds.Distinct().ToList())}) AND {Scope(command, filter)}
                  {(filter.DocumentIds is { } docs ? "AND " + InList(command, "document_id", "doc", docs) : "")}
            """;
        var rows = new List<(ulong Key, string ChunkId, string KnowledgeBaseId)>();
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                if (!readPayload || filter.Matches(Deserialize(reader.GetString(3))))
                    rows.Add(((ulong)reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));

        var similarities = new Dictionary<string, double>(rows.Count);
        foreach (var kb in rows.GroupBy(r => r.KnowledgeBaseId).Where(kb => HasVectors(kb.Key)))
        {
            var vectors = Vectors(kb.Key);
            RequireDimension(kb.Key, vector);
            var chunkIdOf = kb.ToDictionary(r => r.Key, r => r.ChunkId);
            foreach (var (key, similarity) in vectors.Similarities(vector, chunkIdOf.Keys)) similarities[chunkIdOf[key]] = similarity;
        }
        return similarities;
    }
}
