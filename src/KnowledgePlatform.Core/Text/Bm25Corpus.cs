namespace KnowledgePlatform.Core.Text;

/// <summary>
/// BM25 over texts held in memory, scored exactly as the embedded index scores its chunks (the same
/// <see cref="FullTextAnalyzer"/> terms, query weights, IDF and saturation; decision 0121). The fusion calibration ranks
/// a knowledge base's chunks with it while a pseudo-question's source chunks are masked, and the parity test checks
/// every backend against it.
/// </summary>
public sealed class Bm25Corpus
{
    private readonly Bm25Parameters _parameters;
    private readonly int[] _lengths;
    private readonly Dictionary<string, List<(int Document, int Tf)>> _postings = [];

    public Bm25Corpus(IReadOnlyList<string> texts, Bm25Parameters? parameters = null)
    {
        _parameters = parameters ?? Bm25Parameters.Default;
        _lengths = new int[texts.Count];
        for (var d = 0; d < texts.Count; d++)
        {
            var terms = FullTextAnalyzer.Terms(texts[d]);
            _lengths[d] = terms.Count;
            foreach (var g in terms.GroupBy(t => t, StringComparer.Ordinal))
            {
                if (!_postings.TryGetValue(g.Key, out var list)) _postings[g.Key] = list = [];
                list.Add((d, g.Count()));
            }
        }
        AverageLength = texts.Count == 0 ? 0 : _lengths.Average();
    }

    public int Count => _lengths.Length;

    /// <summary>The mean chunk length in terms: what the sparse vectors of another backend are normalised against.</summary>
    public double AverageLength { get; }

    /// <summary>The documents that hold a query term, best first (ties by position), at most <paramref name="top"/>.</summary>
    public IReadOnlyList<(int Document, double Score)> Search(string query, int top)
    {
        var scores = new Dictionary<int, double>();
        foreach (var (term, weight, idf) in Weighted(query))
        {
            foreach (var (document, tf) in _postings[term])
                scores[document] = scores.GetValueOrDefault(document) + weight * idf * _parameters.Saturated(tf, _lengths[document], AverageLength);
        }
        return scores.OrderByDescending(s => s.Value).ThenBy(s => s.Key).Take(top).Select(s => (s.Key, s.Value)).ToList();
    }

    /// <summary>A text that is not in the corpus (a masked chunk) scored with the corpus's statistics.</summary>
    public double Score(string query, string text)
    {
        var tf = FullTextAnalyzer.Terms(text).GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var length = tf.Values.Sum();
        return Weighted(query).Where(t => tf.ContainsKey(t.Term)).Sum(t => t.Weight * t.Idf * _parameters.Saturated(tf[t.Term], length, AverageLength));
    }

    /// <summary>Each distinct query term in the corpus with its summed query weight (stop words count half) and IDF.</summary>
    private IEnumerable<(string Term, double Weight, double Idf)> Weighted(string query) =>
        FullTextAnalyzer.QueryTerms(query).GroupBy(t => t.Term, StringComparer.Ordinal)
            .Where(g => _postings.ContainsKey(g.Key))
            .Select(g => (g.Key, g.Sum(t => t.Weight), Bm25Parameters.Idf(Count, _postings[g.Key].Count)));
}
