namespace KnowledgePlatform.Rag.Calibration;

/// <summary>
/// How good a document ranking is against graded judgements (grade &gt; 0 is relevant), as BEIR and trec_eval compute
/// it: nDCG with linear gain (grade) and log2(rank + 1) discount, normalised by the ideal ordering of the judged
/// documents. Fusion calibration maximises it on pseudo-questions; `kp-bench eval` reports it on judged sets.
/// </summary>
public static class RankingQuality
{
    public static double Ndcg(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> judgements, int k)
    {
        var dcg = ranked.Take(k).Select((doc, i) => judgements.GetValueOrDefault(doc) / Math.Log2(i + 2)).Sum();
        var ideal = judgements.Values.Where(g => g > 0).OrderDescending().Take(k).Select((g, i) => g / Math.Log2(i + 2)).Sum();
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /// <summary>
    /// Document ranking from a chunk ranking: each document takes the rank of its best chunk (max-pooling),
    /// so a long document split into chunks is judged as one document.
    /// </summary>
    public static List<string> MaxPool(IEnumerable<string> documentIdsOfRankedChunks, int top) =>
        documentIdsOfRankedChunks.Distinct().Take(top).ToList();
}
