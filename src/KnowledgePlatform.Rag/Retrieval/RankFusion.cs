using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Rag.Retrieval;

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
    /// A signal's scores are normalised against its own list: the best becomes 1 and the score at rank
    /// <see cref="NormalisationRank"/> becomes 0 (lower ones are clamped to 0, like a candidate the signal
    /// did not return). The anchor makes fusion independent of how many candidates were fetched.
    /// </summary>
    public const int NormalisationRank = 20;

    /// <summary>
    /// Convex combination of normalised scores: score = w · dense′ + (1 − w) · bm25′, where each signal's
    /// score is min-max normalised over its top <see cref="NormalisationRank"/>. Unlike rank fusion it sees
    /// how far ahead the leader of a list is, and w is the knowledge base's dense weight.
    /// </summary>
    public static IReadOnlyList<RetrievedChunk> Convex(IReadOnlyList<ChunkHit> dense, IReadOnlyList<ChunkHit> keyword, double denseWeight)
    {
        var w = Math.Clamp(denseWeight, 0, 1);
        var normaliseDense = Normaliser(dense);
        var normaliseKeyword = Normaliser(keyword);
        return Combine(dense, keyword, (score, _) => w * normaliseDense(score), (score, _) => (1 - w) * normaliseKeyword(score));
    }

    private static Func<double, double> Normaliser(IReadOnlyList<ChunkHit> hits)
    {
        if (hits.Count == 0) return _ => 0;
        var best = hits[0].Score;
        var anchor = hits[Math.Min(NormalisationRank, hits.Count) - 1].Score;
        return best > anchor ? score => Math.Max(0, (score - anchor) / (best - anchor)) : _ => 1;
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
