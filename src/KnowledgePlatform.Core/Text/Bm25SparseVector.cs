using System.Text;

namespace KnowledgePlatform.Core.Text;

/// <summary>
/// BM25 as sparse vectors, for an index that scores sparse dot products with an IDF modifier (Qdrant's
/// <c>modifier: idf</c>, whose IDF is ln(1 + (N − df + 0.5)/(df + 0.5)), the same as the embedded index).
/// A document holds each term's saturated frequency tf·(k1 + 1)/(tf + k1·(1 − b + b·len/avgLen)), a
/// query each term's weight (stop words half), so dot product × IDF = the embedded index's BM25 score
/// given the same average length. Terms are <see cref="FullTextAnalyzer"/>'s, indexed by a 32-bit FNV-1a hash.
/// </summary>
public static class Bm25SparseVector
{
    /// <param name="text">What the embedded index indexes for a chunk (<c>ChunkPayload.SearchableText</c>).</param>
    public static SparseVector Document(string text, double averageLength, Bm25Parameters? parameters = null)
    {
        var bm25 = parameters ?? Bm25Parameters.Default;
        var terms = FullTextAnalyzer.Terms(text);
        return Build(terms.GroupBy(TermIndex).Select(g => (g.Key, (float)bm25.Saturated(g.Count(), terms.Count, Math.Max(averageLength, 1)))));
    }

    public static SparseVector Query(string text) =>
        Build(FullTextAnalyzer.QueryTerms(text).GroupBy(t => TermIndex(t.Term)).Select(g => (g.Key, (float)g.Sum(t => t.Weight))));

    /// <summary>32-bit FNV-1a of the term's UTF-8 bytes.</summary>
    public static uint TermIndex(string term)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(term))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return hash;
    }

    private static SparseVector Build(IEnumerable<(uint Index, float Value)> entries)
    {
        var ordered = entries.OrderBy(e => e.Index).ToArray();
        return new SparseVector(ordered.Select(e => e.Index).ToArray(), ordered.Select(e => e.Value).ToArray());
    }
}
