namespace KnowledgePlatform.Core.Text;

/// <summary>
/// Finds the words a citation quotes in the source they were cut from. Both sides are compared as runs of letters and
/// digits, lower-cased, so line breaks, hyphen spacing and punctuation from extraction do not matter. A quote that is
/// not there word for word (a redacted e-mail, a curator's edit) is placed by its first and last words.
/// </summary>
public static class QuotedSpan
{
    /// <summary>How many words at each end of a quote place it when the whole quote is not found word for word.</summary>
    private const int AnchorWords = 5;

    /// <summary>The pieces of a quote: an extractive citation joins passages of one chunk with " … ".</summary>
    public static IReadOnlyList<string> Parts(string? quote) =>
        quote is null ? [] : quote.Split('…', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The words of <paramref name="text"/>, in order.</summary>
    public static List<SpanWord> Words(string text)
    {
        var words = new List<SpanWord>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                words.Add(new SpanWord(text[start..i].ToLowerInvariant(), start, i - start));
                start = -1;
            }
        }
        return words;
    }

    /// <summary>
    /// The first and last index (inclusive) in <paramref name="source"/> of the words of <paramref name="quote"/>: the whole
    /// quote word for word, else the stretch from its first words to its last words (at most twice the quote's length),
    /// else null.
    /// </summary>
    public static (int First, int Last)? Find(IReadOnlyList<string> source, IReadOnlyList<string> quote)
    {
        if (quote.Count == 0 || source.Count == 0) return null;
        if (IndexOf(source, quote, 0) is { } exact) return (exact, exact + quote.Count - 1);
        var anchor = Math.Min(AnchorWords, quote.Count);
        if (quote.Count <= anchor) return null;
        var head = quote.Take(anchor).ToList();
        var tail = quote.Skip(quote.Count - anchor).ToList();
        for (var from = 0; IndexOf(source, head, from) is { } start; from = start + 1)
        {
            if (IndexOf(source, tail, start + anchor) is { } end && end + anchor - start <= quote.Count * 2)
                return (start, end + anchor - 1);
        }
        // Only the beginning survived (the rest redacted or edited): mark what can be placed.
        return IndexOf(source, head, 0) is { } first ? (first, first + anchor - 1) : null;
    }

    private static int? IndexOf(IReadOnlyList<string> source, IReadOnlyList<string> words, int from)
    {
        for (var i = from; i + words.Count <= source.Count; i++)
        {
            var j = 0;
            while (j < words.Count && string.Equals(source[i + j], words[j], StringComparison.Ordinal)) j++;
            if (j == words.Count) return i;
        }
        return null;
    }
}
