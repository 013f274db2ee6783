using System.Text.RegularExpressions;
using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// Lexical support of a claim by the sources it cites: every number it states must appear in a cited
/// source (a dose, a duration, a price is never paraphrased), so must every name (acronyms, codes,
/// capitalised words) unless the question used it, and at least <see cref="Threshold"/> of its content
/// words (Core/Text/Terms, Porter-stemmed) must occur in them. Sentences of the sources that read as
/// instructions to an assistant are never support.
/// </summary>
/// <remarks>
/// The threshold: a faithful paraphrase keeps the words that carry the fact and varies the rest; a claim
/// the source does not make brings its own words, names or numbers. Measured on the 41 key facts of
/// samples/questions.md, each against the best chunk of the document that answers it and against every
/// chunk of the other documents of its knowledge base (3,007 pairs): at 0.5, 40 of 41 are supported (the
/// other's number sits in the next chunk) and 2.5% of the other pairs pass (1.0% when the fact is stated
/// with its question, as answers are), most of them the same fact in two documents ("$24.99"); at 0.6, one
/// more faithful fact is lost for 1.4%. Words alone, without the number and name rules, let 8.5% through.
/// See docs/decisions/0101-fenced-sources-and-claim-level-grounding.md.
/// </remarks>
public static partial class ClaimSupport
{
    /// <summary>Least share of a claim's content words that its cited sources must contain.</summary>
    public const double Threshold = 0.5;

    /// <summary>Words that say where a claim comes from or link it, not what it states.</summary>
    private static readonly HashSet<string> Framing = new(StringComparer.Ordinal)
    {
        "according", "source", "article", "document", "passage", "text", "state", "stated", "say", "said", "mention",
        "mentioned", "note", "noted", "also", "however", "therefore", "so", "yes", "please", "here", "following",
        "based", "provided", "information", "knowledge", "base", "help", "only", "just", "like", "well", "sure",
        "most", "least", "all", "each", "every", "other", "more", "less", "up", "out", "but", "because", "both",
        "either", "too", "very", "one",
    };

    private static readonly Dictionary<string, string> NumberWords = new(StringComparer.Ordinal)
    {
        ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5", ["six"] = "6",
        ["seven"] = "7", ["eight"] = "8", ["nine"] = "9", ["ten"] = "10", ["eleven"] = "11", ["twelve"] = "12",
    };

    [GeneratedRegex(@"\d+(?:[.,]\d+)*")]
    private static partial Regex Number();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Token();

    /// <summary>
    /// How well <paramref name="sources"/> (the texts the claim cites) support <paramref name="claim"/> (its
    /// markers removed); names the <paramref name="question"/> uses may be repeated without a source.
    /// </summary>
    public static SupportScore Score(string claim, IEnumerable<string> sources, string question = "")
    {
        var evidence = string.Join("\n", sources.Select(EvidenceOnly));
        var evidenceWords = Words(evidence).ToHashSet(StringComparer.Ordinal);
        var evidenceNumbers = Numbers(evidence).ToHashSet(StringComparer.Ordinal);
        var missingNumbers = Numbers(claim).Distinct().Where(n => !evidenceNumbers.Contains(n)).ToList();
        var missingNames = Names(claim).Distinct().Where(n => !Mentions(evidence, n) && !Mentions(question, n)).ToList();
        var words = Words(claim).Distinct().ToList();
        var score = words.Count == 0 ? 1 : (double)words.Count(evidenceWords.Contains) / words.Count;
        return new SupportScore(score, missingNumbers, missingNames);
    }

    /// <summary>True when the sentence states something that needs a source: a number, or two content words.</summary>
    public static bool IsClaim(string sentence) =>
        Number().IsMatch(sentence) || Words(sentence).Count() >= 2;

    /// <summary>The source text without what reads as instructions (<see cref="EmbeddedInstructions"/>): an obeyed instruction is not evidence.</summary>
    private static string EvidenceOnly(string source) => EmbeddedInstructions.Neutralise(source).Replace(EmbeddedInstructions.Marker, " ", StringComparison.Ordinal);

    /// <summary>Content words, stemmed, without framing words; numbers (spelled out or not) are checked apart.</summary>
    private static IEnumerable<string> Words(string text) =>
        Terms.Of(text).Where(t => !t.All(char.IsDigit) && !NumberWords.ContainsKey(t) && !Framing.Contains(t)).Select(PorterStemmer.Stem);

    /// <summary>
    /// What a claim names: acronyms and codes (DOAC, eGFR, E08, CURB) and capitalised words that do not
    /// open the sentence (Rh, Vision, Alaska). Like numbers, a source must state them.
    /// </summary>
    private static IEnumerable<string> Names(string claim)
    {
        var first = true;
        foreach (Match m in Token().Matches(claim))
        {
            var t = m.Value;
            var name = (t.Any(char.IsLetter) && t.Any(char.IsDigit)) || t.Count(char.IsUpper) >= 2 || (!first && t.Length > 1 && char.IsUpper(t[0]));
            first = false;
            if (name) yield return t.ToLowerInvariant();
        }
    }

    /// <summary>The text names <paramref name="name"/> (any case, a plural s either side).</summary>
    private static bool Mentions(string text, string name)
    {
        var stem = name.Length > 3 && name.EndsWith('s') ? name[..^1] : name;
        return Regex.IsMatch(text, $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(stem)}s?(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase);
    }

    /// <summary>Numbers as written, thousands separators removed ("4,000" is "4000"), number words (two to twelve; "one" is too often a pronoun) as digits.</summary>
    private static IEnumerable<string> Numbers(string text)
    {
        foreach (Match m in Number().Matches(text))
        {
            var n = m.Value;
            yield return Regex.IsMatch(n, @"^\d{1,3}(,\d{3})+$") ? n.Replace(",", "", StringComparison.Ordinal) : n.Replace(',', '.');
        }
        foreach (var t in Terms.Of(text))
        {
            if (NumberWords.TryGetValue(t, out var digits)) yield return digits;
        }
    }
}
