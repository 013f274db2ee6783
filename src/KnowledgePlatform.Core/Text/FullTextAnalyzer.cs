using System.Globalization;
using System.Text;

namespace KnowledgePlatform.Core.Text;

/// <summary>
/// Turns text into the terms BM25 counts, the same way for documents and queries and in every index
/// backend: lower-cased, diacritics removed, split into runs of letters and digits; English words
/// Porter-stemmed; Chinese, Japanese and Korean text (written without spaces) cut into overlapping
/// character bigrams ("知识库" → "知识", "识库"), a lone CJK character kept as itself.
/// </summary>
public static class FullTextAnalyzer
{
    /// <summary>
    /// The terms of a document or a query, in order, repeats kept (term frequency counts them). Stop words
    /// stay: BM25's IDF already makes them cheap, and in question-to-FAQ matching "what is" and "how do I"
    /// carry signal (dropping them cost 0.10 nDCG@10 on covidfaq-infobot).
    /// </summary>
    public static List<string> Terms(string text)
    {
        var terms = new List<string>();
        foreach (var (token, cjk) in Tokens(text))
        {
            if (cjk) AddBigrams(token, terms);
            else terms.Add(Stem(token));
        }
        return terms;
    }

    /// <summary>
    /// The terms of a query, each with its weight: 1, or <see cref="StopWordWeight"/> for an English stop
    /// word. Half-weight stop words keep the signal of "what is" in question-to-question matching (dropping
    /// them cost 0.10 nDCG@10 on covidfaq-infobot) without letting "how to" dominate long manual sections
    /// (full weight cost 0.05 on emanual-smarttv).
    /// </summary>
    public static List<(string Term, double Weight)> QueryTerms(string query)
    {
        var terms = new List<(string, double)>();
        foreach (var (token, cjk) in Tokens(query))
        {
            if (cjk)
            {
                var bigrams = new List<string>();
                AddBigrams(token, bigrams);
                terms.AddRange(bigrams.Select(b => (b, 1.0)));
            }
            else terms.Add((Stem(token), StopWords.Contains(token) ? StopWordWeight : 1.0));
        }
        return terms;
    }

    public const double StopWordWeight = 0.5;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "from", "as", "is", "are",
        "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "what", "which", "who", "whom",
        "how", "when", "where", "why", "do", "does", "did", "can", "could", "should", "would", "will", "shall", "may",
        "might", "must", "i", "you", "we", "they", "he", "she", "my", "your", "our", "their", "me", "us", "them",
        "if", "than", "then", "there", "about", "into", "any", "some", "so", "such", "not", "no", "but", "have", "has", "had",
    };

    private static string Stem(string token) => PorterStemmer.Stem(token);

    /// <summary>Han ideographs, kana and hangul: scripts written without spaces between words.</summary>
    public static bool IsCjk(Rune r) => r.Value is
        (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x3134F) or (>= 0xF900 and <= 0xFAFF)
        or (>= 0x3040 and <= 0x30FF) or (>= 0x31F0 and <= 0x31FF) or (>= 0xFF66 and <= 0xFF9F)
        or (>= 0xAC00 and <= 0xD7AF) or (>= 0x1100 and <= 0x11FF) or (>= 0x3130 and <= 0x318F);

    /// <summary>Runs of letters and digits, lower-cased without diacritics, split where CJK text starts or ends.</summary>
    private static IEnumerable<(string Token, bool Cjk)> Tokens(string text)
    {
        var token = new StringBuilder();
        var tokenIsCjk = false;
        // Composed first, so a kana keeps its voicing mark and an accent joins its letter before folding.
        foreach (var rune in text.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            // ASCII, nearly all of English text, without the Unicode tables.
            if (rune.IsAscii)
            {
                var c = (char)rune.Value;
                if (char.IsAsciiLetterOrDigit(c))
                {
                    if (token.Length > 0 && tokenIsCjk)
                    {
                        yield return (token.ToString(), true);
                        token.Clear();
                    }
                    tokenIsCjk = false;
                    token.Append(char.ToLowerInvariant(c));
                }
                else if (token.Length > 0)
                {
                    yield return (Fold(token, tokenIsCjk), tokenIsCjk);
                    token.Clear();
                }
                continue;
            }
            var category = Rune.GetUnicodeCategory(rune);
            // Combining marks left over (accents that have no precomposed letter) vanish.
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark) continue;
            if (!Rune.IsLetterOrDigit(rune))
            {
                if (token.Length > 0) yield return (Fold(token, tokenIsCjk), tokenIsCjk);
                token.Clear();
                continue;
            }
            var cjk = IsCjk(rune);
            if (token.Length > 0 && cjk != tokenIsCjk)
            {
                yield return (Fold(token, tokenIsCjk), tokenIsCjk);
                token.Clear();
            }
            tokenIsCjk = cjk;
            token.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        if (token.Length > 0) yield return (Fold(token, tokenIsCjk), tokenIsCjk);
    }

    /// <summary>Removes diacritics from precomposed letters ("é" → "e"); CJK text is left as written.</summary>
    private static string Fold(StringBuilder token, bool cjk)
    {
        var s = token.ToString();
        if (cjk || Ascii.IsValid(s)) return s;
        var decomposed = s.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
                folded.Append(rune.ToString());
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    private static void AddBigrams(string run, List<string> terms)
    {
        var runes = run.EnumerateRunes().Select(r => r.ToString()).ToArray();
        if (runes.Length == 1)
        {
            terms.Add(runes[0]);
            return;
        }
        for (var i = 0; i + 1 < runes.Length; i++) terms.Add(runes[i] + runes[i + 1]);
    }
}
