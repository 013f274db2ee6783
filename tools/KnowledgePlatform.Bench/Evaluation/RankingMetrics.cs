using KnowledgePlatform.Rag.Calibration;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// The standard ranking measures over a ranked list of document ids and graded judgements (grade &gt; 0
/// is relevant), as BEIR and trec_eval compute them: nDCG as calibration computes it (<see cref="RankingQuality"/>);
/// recall as the share of relevant documents in the top k; reciprocal rank of the first relevant document within the
/// top k (0 if none).
/// </summary>
public static class RankingMetrics
{
    public static QueryMetrics Score(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judgements) =>
        new(Ndcg(ranked, judgements, 10), Recall(ranked, judgements, 10), Recall(ranked, judgements, 100), ReciprocalRank(ranked, judgements, 10));

    public static double Ndcg(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judgements, int k) =>
        RankingQuality.Ndcg(ranked, judgements, k);

    public static double Recall(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judgements, int k)
    {
        var relevant = judgements.Count(j => j.Value > 0);
        return relevant == 0 ? 0 : (double)ranked.Take(k).Distinct().Count(d => judgements.GetValueOrDefault(d) > 0) / relevant;
    }

    public static double ReciprocalRank(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judgements, int k)
    {
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
            if (judgements.GetValueOrDefault(ranked[i]) > 0) return 1.0 / (i + 1);
        return 0;
    }

    /// <summary>The p-th percentile (0–100) by linear interpolation between closest ranks, as numpy computes it.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var position = p / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    /// <summary>Document ranking from a chunk ranking: each document takes the rank of its best chunk.</summary>
    public static List<string> MaxPool(IEnumerable<string> documentIdsOfRankedChunks, int top) =>
        RankingQuality.MaxPool(documentIdsOfRankedChunks, top);
}
