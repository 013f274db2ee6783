using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>A fused result with each signal's own score and rank kept, so people can see why it ranked.</summary>
public sealed record RetrievedChunk(ChunkPayload Chunk, double Score, double? DenseScore, int? DenseRank, double? KeywordScore, int? KeywordRank);

/// <summary>Weighted reciprocal rank fusion: score = Σ weight / (k + rank), ranks starting at 1.</summary>
public static class RankFusion
{
    public static IReadOnlyList<RetrievedChunk> Fuse(
        IReadOnlyList<ChunkHit> dense, IReadOnlyList<ChunkHit> keyword, int k, double denseWeight, double keywordWeight)
    {
        var byId = new Dictionary<string, RetrievedChunk>();
        for (var i = 0; i < dense.Count; i++)
        {
            var hit = dense[i];
            byId[hit.Chunk.ChunkId] = new RetrievedChunk(hit.Chunk, denseWeight / (k + i + 1), hit.Score, i + 1, null, null);
        }
        for (var i = 0; i < keyword.Count; i++)
        {
            var hit = keyword[i];
            var add = keywordWeight / (k + i + 1);
            byId[hit.Chunk.ChunkId] = byId.TryGetValue(hit.Chunk.ChunkId, out var seen)
                ? seen with { Score = seen.Score + add, KeywordScore = hit.Score, KeywordRank = i + 1 }
                : new RetrievedChunk(hit.Chunk, add, null, null, hit.Score, i + 1);
        }
        return byId.Values
            .OrderByDescending(r => r.Score)
            .ThenBy(r => Math.Min(r.DenseRank ?? int.MaxValue, r.KeywordRank ?? int.MaxValue))
            .ThenBy(r => r.Chunk.ChunkId, StringComparer.Ordinal)
            .ToList();
    }
}
