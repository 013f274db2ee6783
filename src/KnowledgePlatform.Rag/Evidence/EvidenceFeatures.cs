using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Evidence;

/// <summary>
/// What the evidence gate reads from the candidates retrieved for a question, computed from the candidates themselves
/// (the dense similarities the index returned and the candidates' words), so that it is the same on every index and can
/// be recomputed for a pool edited during calibration. The lexical side is BM25 over the best candidates (k1 0.9, b 0.4,
/// document frequencies within them): the two signals agreeing on the same chunk is the strongest sign, on every
/// development set, that the evidence answers (docs/benchmarks/answers.md).
/// </summary>
public sealed record EvidenceFeatures(double[] Values)
{
    /// <summary>The features, in the order of <see cref="Values"/> and of a calibration's weights.</summary>
    public static readonly string[] Names =
    [
        "dense_top",     // the best dense similarity
        "dense_margin",  // how far the best dense candidate leads the second
        "agreement",     // 1 / (1 + how many documents lead the best dense candidate's document clearly on lexical score)
        "lexical_ratio", // that document's best lexical score against the best one
        "dense_gap",     // the best lexical document's dense similarity minus the best (≤ 0)
        "coverage_best", // the largest share of the question's weighted words that one candidate holds
    ];

    /// <summary>
    /// How the features are combined into the gate's score: each standardised (by the means and spreads of the
    /// development sets' questions), agreement counted twice, the dense similarity, its gap to the best lexical
    /// candidate and the best coverage once. A fixed combination, chosen because it told answerable from unanswerable
    /// questions well on every development set (fitted weights did not carry from one set to another); each knowledge
    /// base calibrates how the score maps to a confidence and where its threshold lies (decision 0100).
    /// </summary>
    public static readonly double[] ScoreWeights = [1, 0, 2, 0, 1, 1];

    internal static readonly double[] Means = [0.715, 0.047, 0.558, 0.661, -0.127, 0.656];
    internal static readonly double[] Spreads = [0.079, 0.056, 0.384, 0.379, 0.233, 0.282];

    /// <summary>The gate's score of these features: higher, more likely the evidence answers.</summary>
    public double Score => Values.Select((v, j) => ScoreWeights[j] * (v - Means[j]) / Spreads[j]).Sum();

    /// <summary>The calibration that maps the score through a logistic with this slope and intercept, expressed on the raw features.</summary>
    public static EvidenceGateCalibration Calibration(double slope, double intercept, double threshold)
    {
        var weights = ScoreWeights.Select((w, j) => slope * w / Spreads[j]).ToArray();
        return new EvidenceGateCalibration(weights, intercept - weights.Select((w, j) => w * Means[j]).Sum(), threshold);
    }

    /// <summary>The best candidates (in retrieval order) that the features compare.</summary>
    public const int Top = 10;

    /// <summary>How close to the best lexical document the dense choice must be to count as the same choice.</summary>
    public const double NearTie = 0.8;

    private const double K1 = 0.9;
    private const double B = 0.4;

    /// <param name="candidates">The candidates of the question, best first; the first <see cref="Top"/> are compared.</param>
    public static EvidenceFeatures Of(string question, IReadOnlyList<RetrievedChunk> candidates)
    {
        // Words as written, not stemmed: on the development sets stems blurred what tells answerable from unanswerable
        // questions (gate AUC 0.679 against 0.684 on covidqa, 0.729 against 0.745 on emanual).
        var terms = Terms.Of(question).Distinct().ToList();
        var top = candidates.Take(Top).ToList();
        if (top.Count == 0 || terms.Count == 0) return new EvidenceFeatures(new double[Names.Length]);

        var words = top.Select(c => Terms.Of($"{c.Chunk.DocumentTitle} {c.Chunk.HeadingPath} {c.Chunk.Text}").ToList()).ToList();
        var sets = words.Select(w => w.ToHashSet()).ToList();
        var df = terms.ToDictionary(t => t, t => sets.Count(s => s.Contains(t)));
        var lexical = Bm25(terms, words, df);
        var dense = top.Select(DenseAsSearched).ToList();
        var denseSorted = dense.OrderDescending().ToList();

        // The signals are compared by document: two chunks of one document (a policy page, a manual) agree with each other.
        var documents = Enumerable.Range(0, top.Count).GroupBy(i => top[i].Chunk.DocumentId)
            .Select(g => (Dense: g.Max(i => dense[i]), Lexical: g.Max(i => lexical[i]))).ToList();
        var bestDense = documents.MaxBy(d => d.Dense);
        var bestLexical = documents.MaxBy(d => d.Lexical);
        // A document counts as ahead lexically only when it leads clearly: a near tie (two documents that both answer) is agreement.
        var lexicalRank = documents.Count(d => d.Lexical * NearTie > bestDense.Lexical);

        // Word weights for coverage: inverse frequency among the compared candidates.
        var idf = terms.ToDictionary(t => t, t => Math.Log(1 + (top.Count + 1) / (df[t] + 0.5)));
        var total = idf.Values.Sum();

        return new EvidenceFeatures(
        [
            denseSorted[0],
            denseSorted.Count > 1 ? denseSorted[0] - denseSorted[1] : denseSorted[0],
            1.0 / (1 + lexicalRank),
            bestLexical.Lexical > 0 ? bestDense.Lexical / bestLexical.Lexical : 0,
            bestLexical.Dense - bestDense.Dense,
            sets.Max(w => terms.Where(w.Contains).Sum(t => idf[t])) / total,
        ]);
    }

    /// <summary>
    /// A candidate's dense similarity as the dense search returned it: one that only BM25 returned counts 0, though the
    /// retriever gives it its real similarity. That the dense search did not find the best lexical document at all is
    /// itself a sign the evidence does not answer: with the real similarity the gate told answerable from unanswerable
    /// questions less well (docs/benchmarks/answers.md). Calibration's masked chunks, placed by their similarity, count it.
    /// </summary>
    private static double DenseAsSearched(RetrievedChunk c) => c.DenseRank is null && c.KeywordRank is not null ? 0 : c.DenseScore ?? 0;

    private static List<double> Bm25(List<string> terms, List<List<string>> words, Dictionary<string, int> df)
    {
        var n = words.Count;
        var average = Math.Max(1, words.Average(w => w.Count));
        return words.Select(w =>
        {
            var tf = w.CountBy(x => x).ToDictionary(p => p.Key, p => p.Value);
            return terms.Where(tf.ContainsKey).Sum(t =>
                Math.Log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) * tf[t] * (K1 + 1) / (tf[t] + K1 * (1 - B + B * w.Count / average)));
        }).ToList();
    }
}
