using System.Text;

namespace KnowledgePlatform.Core.Text;

/// <summary>Content words of a text, lower-cased and lightly stemmed, for matching questions to sentences.</summary>
public static class Terms
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "from", "as", "is", "are",
        "was", "were", "be", "been", "it", "its", "this", "that", "these", "those", "what", "which", "who", "whom",
        "how", "when", "where", "why", "do", "does", "did", "can", "could", "should", "would", "will", "shall", "may",
        "might", "must", "i", "you", "we", "they", "he", "she", "my", "your", "our", "their", "me", "us", "them",
        "if", "than", "then", "there", "about", "into", "any", "some", "much", "many", "long", "get", "have", "has", "not",
    };

    /// <summary>Share of the query's distinct terms that occur in the text (0 when the query has none).</summary>
    public static double Coverage(IReadOnlyCollection<string> queryTerms, string text)
    {
        if (queryTerms.Count == 0) return 0;
        var found = Of(text).ToHashSet();
        return (double)queryTerms.Count(found.Contains) / queryTerms.Count;
    }

    /// <summary>The content words reduced to their Porter stems, so "putting" meets "put" and "protected" meets "protection".</summary>
    public static IEnumerable<string> Stems(string text) => Of(text).Select(PorterStemmer.Stem);

    public static IEnumerable<string> Of(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text.Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }
            if (word.Length == 0) continue;
            var w = word.ToString();
            word.Clear();
            if (!StopWords.Contains(w)) yield return Stem(w);
        }
    }

    private static string Stem(string w) =>
        w.Length > 4 && w.EndsWith("ies", StringComparison.Ordinal) ? w[..^3] + "y"
        : w.Length > 3 && w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) ? w[..^1]
        : w;
}
