using System.Globalization;
using System.Text;
using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>A sparse vector: term indices (sorted, distinct) and their weights.</summary>
public sealed record SparseTerms(uint[] Indices, float[] Values)
{
    public bool IsEmpty => Indices.Length == 0;
}

/// <summary>
/// BM25 as sparse vectors for Qdrant. Terms are the platform's content words (<see cref="Terms.Of"/>:
/// lower-cased, diacritics folded, stop words dropped, lightly stemmed), hashed to 32-bit indices.
/// A document's weight per term is the BM25 term-frequency part, saturated with k1 and normalised by
/// length with b against an assumed average chunk length; the IDF part is applied by Qdrant (the sparse
/// vector's IDF modifier), since only the collection knows document frequencies. Title and heading
/// words count more, like the FTS5 column weights of the embedded index (2 and 1.5).
/// </summary>
public sealed class Bm25SparseEncoder(double k1 = 1.2, double b = 0.75, double averageLength = 150)
{
    public const double TitleWeight = 2.0;
    public const double HeadingWeight = 1.5;

    public SparseTerms EncodeDocument(string title, string heading, string text)
    {
        var frequencies = new Dictionary<uint, double>();
        var length = 0;
        foreach (var (part, weight) in new[] { (text, 1.0), (heading, HeadingWeight), (title, TitleWeight) })
        {
            foreach (var term in TermsOf(part))
            {
                frequencies[Index(term)] = frequencies.GetValueOrDefault(Index(term)) + weight;
                length++;
            }
        }
        var norm = k1 * (1 - b + b * length / averageLength);
        return Sorted(frequencies.Select(f => (f.Key, (float)(f.Value * (k1 + 1) / (f.Value + norm)))));
    }

    /// <summary>Each distinct query term once, weight 1: the score is then the sum of the matching documents' BM25 parts times IDF.</summary>
    public static SparseTerms EncodeQuery(string query) =>
        Sorted(TermsOf(query).Select(Index).Distinct().Select(i => (i, 1f)));

    /// <summary>FNV-1a over the term's UTF-8 bytes: stable across processes and versions, unlike string.GetHashCode.</summary>
    public static uint Index(string term)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(term))
            hash = unchecked((hash ^ b) * 16777619u);
        return hash;
    }

    internal static IEnumerable<string> TermsOf(string text) => Terms.Of(FoldDiacritics(text));

    private static string FoldDiacritics(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) folded.Append(c);
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    private static SparseTerms Sorted(IEnumerable<(uint Index, float Value)> terms)
    {
        var ordered = terms.OrderBy(t => t.Index).ToArray();
        return new SparseTerms(ordered.Select(t => t.Index).ToArray(), ordered.Select(t => t.Value).ToArray());
    }
}
