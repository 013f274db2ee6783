using System.Text.RegularExpressions;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// Reads citation markers ([1], [2][3], [1, 2]) in a model's answer, checks claim by claim that each is cited
/// and supported by what it cites (<see cref="ClaimStream"/>, <see cref="ClaimSupport"/>), and maps the
/// markers back to the exact chunks: document, location and the quoted span.
/// </summary>
public static partial class Grounding
{
    public const string NotFoundSentinel = "NOT_FOUND";

    /// <summary>A citation marker: [1], [1, 2], [source 3], [S4].</summary>
    private const string Marker = @"\[\s*(?:source\s*|S)?(\d{1,4}(?:\s*[,;]\s*(?:source\s*|S)?\d{1,4})*)\s*\]";

    [GeneratedRegex(Marker, RegexOptions.IgnoreCase)]
    private static partial Regex MarkerPattern();

    /// <summary>Markers opening a sentence: they close the one before it.</summary>
    [GeneratedRegex(@"^(?:\s*" + Marker + @")+[.;,]?", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingMarkers();

    /// <summary>The space a removed mid-sentence marker leaves before punctuation ("a day [1]." → "a day .").</summary>
    [GeneratedRegex(@"\s+([.,;:!?])")]
    private static partial Regex SpaceBeforePunctuation();

    /// <summary>Source numbers in the order the text cites them (repeats kept).</summary>
    public static IEnumerable<int> Markers(string text) =>
        MarkerPattern().Matches(text).SelectMany(m => Regex.Matches(m.Groups[1].Value, @"\d+").Select(d => int.Parse(d.Value)));

    public static string WithoutMarkers(string text) => MarkerPattern().Replace(text, "").Trim();

    /// <summary>True while <paramref name="text"/> could still become the not-found answer, so it must not be shown yet.</summary>
    public static bool MightBeNotFound(string text)
    {
        var t = text.TrimStart();
        return t.Length < NotFoundSentinel.Length ? NotFoundSentinel.StartsWith(t, StringComparison.OrdinalIgnoreCase) : IsNotFound(t);
    }

    public static bool IsNotFound(string text) => text.TrimStart().StartsWith(NotFoundSentinel, StringComparison.OrdinalIgnoreCase);

    /// <summary>The whole answer checked claim by claim against <paramref name="evidence"/> (numbered from 1).</summary>
    public static GroundingVerdict Check(string answer, IReadOnlyList<RetrievedChunk> evidence, string question = "")
    {
        if (IsNotFound(answer) || answer.Trim().Length == 0) return new GroundingVerdict([], "", NotFound: true);
        var claims = new ClaimStream(evidence, question);
        claims.Advance(answer, final: true);
        return claims.Verdict;
    }

    /// <summary>
    /// The answer's sentences, with the markers written after a full stop ("4 g. [1]", "4 g. [1] Take…")
    /// kept with the sentence they follow.
    /// </summary>
    public static List<string> Claims(string answer)
    {
        var claims = new List<string>();
        foreach (var sentence in Sentences.Split(answer))
        {
            var lead = LeadingMarkers().Match(sentence);
            if (claims.Count > 0 && lead.Success)
            {
                claims[^1] += " " + lead.Value.Trim();
                if (sentence[lead.Length..].Trim() is { Length: > 0 } rest) claims.Add(rest);
            }
            else claims.Add(sentence);
        }
        return claims;
    }

    /// <summary>
    /// The answer as sentences that each carry their citations (strict mode). A marker closes the run of
    /// sentences before it on the same line, so a quoted multi-sentence passage keeps its source; sentences
    /// no marker closes (notes, trailing remarks) and numbers that match no citation are left out.
    /// </summary>
    public static (IReadOnlyList<CitedSentence> Sentences, IReadOnlyList<string> Uncited) CitedSentences(string answer, IReadOnlySet<int> citationNumbers)
    {
        var cited = new List<CitedSentence>();
        var uncited = new List<string>();
        foreach (var line in answer.Split('\n'))
        {
            var run = new List<string>();
            foreach (var claim in Claims(line))
            {
                var text = SpaceBeforePunctuation().Replace(WithoutMarkers(claim), "$1");
                var numbers = Markers(claim).Where(citationNumbers.Contains).Distinct().ToList();
                if (text.Length > 0) run.Add(text);
                if (numbers.Count == 0) continue;
                cited.AddRange(run.Select(s => new CitedSentence(s, numbers)));
                run.Clear();
            }
            uncited.AddRange(run);
        }
        return (cited, uncited);
    }

    /// <summary>
    /// One citation per cited source, numbered as the model cited it. The quote is the sentence (or table
    /// line) of the chunk that shares the most words with the sentences citing it: an exact span of the chunk,
    /// never one that reads as an instruction.
    /// </summary>
    public static IReadOnlyList<Citation> Cite(string answer, IReadOnlyList<int> cited, IReadOnlyList<RetrievedChunk> evidence)
    {
        var claims = Claims(answer);
        return cited.Select(n =>
        {
            var e = evidence[n - 1];
            var c = e.Chunk;
            var claimTerms = claims.Where(s => Markers(s).Contains(n)).SelectMany(s => Terms.Of(WithoutMarkers(s))).ToHashSet();
            // Never a planted instruction: the neutralised text's sentences are still exact spans of the chunk.
            var spans = Sentences.Split(EmbeddedInstructions.Neutralise(c.Text)).Where(s => !s.Contains(EmbeddedInstructions.Marker, StringComparison.Ordinal)).ToList();
            var quote = spans.Count == 0 ? c.Text
                : spans.Select((s, i) => (s, i, Score: Terms.Of(s).Distinct().Count(claimTerms.Contains)))
                    .OrderByDescending(x => x.Score).ThenBy(x => x.i).First().s;
            return new Citation(n, c.ChunkId, c.DocumentId, c.DocumentTitle, c.FileName, c.Location, c.Page, quote, e.Score);
        }).ToList();
    }

    /// <summary>
    /// The evidence as the prompt shows it: each chunk fenced as data with its number, title and location
    /// (<see cref="SourceFence"/>); with <paramref name="neutralise"/>, sentences that read as instructions
    /// to an assistant replaced by a marker first (<see cref="EmbeddedInstructions"/>).
    /// </summary>
    public static string Sources(IReadOnlyList<RetrievedChunk> evidence, bool neutralise = true) => string.Join("\n\n", evidence.Select((e, i) =>
    {
        var c = e.Chunk;
        var where = string.IsNullOrEmpty(c.Location) ? c.FileName : $"{c.FileName}, {c.Location}";
        return SourceFence.Source(i + 1, c.DocumentTitle, where, neutralise ? EmbeddedInstructions.Neutralise(c.Text) : c.Text);
    }));
}
