using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// Chooses the passages that answer the question asked (decision 0005): each passage of the evidence is scored on how
/// much of the question's weighted words it holds (its own words most, its chunk's title and headings some) plus how
/// highly retrieval ranked its chunk. A passage that lacks one of the question's focus words (its rarest words that
/// the evidence does hold: the drug, the product, the patient group) is pushed far down, so a question naming metformin
/// is not answered with a gliclazide row, nor a question about children with an adult dose. The best passage must hold
/// at least half of the question's weight (a word no passage holds weighing as much as the rarest one), or nothing is
/// answered.
/// </summary>
public static class PassageSelector
{
    /// <summary>How much retrieval's ranking counts against word coverage (measured on the development sets: docs/benchmarks/answers.md).</summary>
    private const double RankWeight = 1.0;

    /// <summary>Score kept by a passage for each focus word it lacks.</summary>
    private const double MissingFocusFactor = 0.35;

    /// <summary>The best passage must hold this share of the question's weighted words (those the evidence holds).</summary>
    public const double MinCoverage = 0.5;

    /// <summary>A second passage is added when it scores this close to the first and comes from another place.</summary>
    private const double SecondPassageShare = 0.85;

    /// <summary>Evidence chunks looked at, best first.</summary>
    private const int MaxChunks = 6;

    /// <param name="minCoverage">The share of the question the best passage must hold; 0 answers whatever the evidence (answering everything, for evaluation).</param>
    public static IReadOnlyList<Passage> Select(string question, IReadOnlyList<RetrievedChunk> evidence, double minCoverage = MinCoverage)
    {
        var terms = Terms.Of(question).Distinct().ToList();
        if (terms.Count == 0 || evidence.Count == 0) return [];
        var chunks = evidence.Take(MaxChunks).ToList();
        var passages = chunks.SelectMany(Passages.Of).ToList();
        if (passages.Count == 0) return [];

        var coreWords = passages.Select(p => Terms.Of(p.Core).ToHashSet()).ToList();
        var extendedWords = passages.Select(p => Terms.Of($"{p.Extended} {p.Evidence.Chunk.DocumentTitle} {p.Evidence.Chunk.HeadingPath}").ToHashSet()).ToList();
        // Weights: inverse frequency among the passages; a word no passage holds says the evidence lacks it.
        var df = terms.ToDictionary(t => t, t => extendedWords.Count(w => w.Contains(t)));
        var weight = terms.ToDictionary(t => t, t => Math.Log(1 + (double)passages.Count / (1 + df[t])));
        var present = terms.Where(t => df[t] > 0).ToList();
        var total = present.Sum(t => weight[t]);
        if (total == 0 && minCoverage > 0) return [];
        total = Math.Max(total, 1e-9);
        var focus = present.Where(t => df[t] <= Math.Max(2, passages.Count / 5)).OrderByDescending(t => weight[t]).Take(2).ToList();
        var topScore = Math.Max(chunks[0].Score, 1e-9);

        var scored = passages.Select((p, i) =>
        {
            double Share(HashSet<string> words) => present.Where(words.Contains).Sum(t => weight[t]) / total;
            var coverage = 0.6 * Share(coreWords[i]) + 0.4 * Share(extendedWords[i]);
            var prior = Math.Clamp(p.Evidence.Score / topScore, 0, 1);
            var missingFocus = focus.Count(t => !extendedWords[i].Contains(t));
            return (Passage: p, Coverage: Share(extendedWords[i]), Score: (coverage + RankWeight * prior) * Math.Pow(MissingFocusFactor, missingFocus));
        }).OrderByDescending(x => x.Score).ThenBy(x => x.Passage.Rank).ToList();

        // Against the whole question: a word no passage holds counts as much as the rarest one that some passage does.
        var best = scored[0];
        var whole = terms.Sum(t => weight[t]);
        if (best.Coverage * total / whole < minCoverage) return [];
        var chosen = new List<Passage> { best.Passage };
        var second = scored.Skip(1).FirstOrDefault(x => x.Score >= best.Score * SecondPassageShare && !Overlaps(x.Passage, best.Passage));
        if (second.Passage is not null && second.Coverage * total / whole >= minCoverage) chosen.Add(second.Passage);
        return chosen;
    }

    private static bool Overlaps(Passage a, Passage b) =>
        a.Evidence.Chunk.ChunkId == b.Evidence.Chunk.ChunkId && (a.Quote.Contains(b.Core, StringComparison.Ordinal) || b.Quote.Contains(a.Core, StringComparison.Ordinal));
}
