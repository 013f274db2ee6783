using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>A fused result with each signal's own score and rank kept, so people can see why it ranked.</summary>
public sealed record RetrievedChunk(ChunkPayload Chunk, double Score, double? DenseScore, int? DenseRank, double? KeywordScore, int? KeywordRank);

/// <summary>Combines the dense and BM25 candidate lists into one ranking (decision 11).</summary>
public static class RankFusion
{
    /// <summary>Fuses with a knowledge base's resolved settings (every field set).</summary>
    public static IReadOnlyList<RetrievedChunk> Fuse(IReadOnlyList<ChunkHit> dense, IReadOnlyList<ChunkHit> keyword, RetrievalSettings settings) =>
        settings.Fusion == FusionMethod.Convex
            ? Convex(dense, keyword, settings.DenseWeight!.Value)
            : Fuse(dense, keyword, settings.RrfK!.Value, settings.DenseWeight!.Value, settings.KeywordWeight!.Value);

    /// <summary>Weighted reciprocal rank fusion: score = Σ weight / (k + rank), ranks starting at 1.</summary>
    public static IReadOnlyList<RetrievedChunk> Fuse(
        IReadOnlyList<ChunkHit> dense, IReadOnlyList<ChunkHit> keyword, int k, double denseWeight, double keywordWeight) =>
        Combine(dense, keyword, (_, rank) => denseWeight / (k + rank), (_, rank) => keywordWeight / (k + rank));

    /// <summary>
    /// Convex combination: score = w · dense/maxDense + (1 − w) · bm25/maxBm25, where each max is the best
    /// score in that signal's candidate list. A candidate missing from a list contributes 0 for it.
    /// </summary>
    public static IReadOnlyList<RetrievedChunk> Convex(IReadOnlyList<ChunkHit> dense, IReadOnlyList<ChunkHit> keyword, double denseWeight)
    {
        var w = Math.Clamp(denseWeight, 0, 1);
        var maxDense = dense.Count == 0 ? 1 : Math.Max(dense.Max(h => h.Score), 1e-9);
        var maxKeyword = keyword.Count == 0 ? 1 : Math.Max(keyword.Max(h => h.Score), 1e-9);
        return Combine(dense, keyword, (score, _) => w * Math.Max(score, 0) / maxDense, (score, _) => (1 - w) * score / maxKeyword);
    }

    /// <summary>One signal alone (the other list empty), ranked and scored as that signal ranked and scored it.</summary>
    public static IReadOnlyList<RetrievedChunk> Single(IReadOnlyList<ChunkHit> dense, IReadOnlyList<ChunkHit> keyword) =>
        Combine(dense, keyword, (score, _) => score, (score, _) => score);

    private static List<RetrievedChunk> Combine(
        IReadOnlyList<ChunkHit> dense, IReadOnlyList<ChunkHit> keyword, Func<double, int, double> denseContribution, Func<double, int, double> keywordContribution)
    {
        var byId = new Dictionary<string, RetrievedChunk>();
        for (var i = 0; i < dense.Count; i++)
        {
            var hit = dense[i];
            byId[hit.Chunk.ChunkId] = new RetrievedChunk(hit.Chunk, denseContribution(hit.Score, i + 1), hit.Score, i + 1, null, null);
        }
        for (var i = 0; i < keyword.Count; i++)
        {
            var hit = keyword[i];
            var add = keywordContribution(hit.Score, i + 1);
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
