using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// Chooses the passages that answer the question asked (decision 0005). First the chunk: how much of the question's
/// weighted words it holds (with its title and headings) plus how highly retrieval ranked it (fused score and dense
/// similarity, each against the best chunk). Then the passage within it that holds the most of the question. A passage
/// or chunk that lacks one of the question's focus words (its rarest words that the evidence does hold: the drug, the
/// product, the error code, the patient group) is pushed far down, so a question naming metformin is not answered with
/// a gliclazide row, nor a question about children with an adult dose. A question in two parts ("how much, and by
/// when?") gets a second passage when the first leaves a part unanswered and another passage holds it. The passages
/// must hold at least 30 % of the question's weight (a word no passage holds weighing as much as the rarest one), or
/// nothing is answered.
/// </summary>
public static class PassageSelector
{
    /// <summary>How much retrieval's ranking counts against word coverage when choosing the chunk (measured on the development sets: docs/benchmarks/answers.md).</summary>
    private const double RankWeight = 2.0;

    /// <summary>A word this long may be a focus word even when it is not a name.</summary>
    private const int FocusWordLength = 7;

    /// <summary>Score kept by a chunk or passage for each focus word it lacks.</summary>
    private const double MissingFocusFactor = 0.35;

    /// <summary>The passages must hold this share of the question's weighted words.</summary>
    public const double MinCoverage = 0.3;

    /// <summary>A second passage is looked for when the first leaves this share of the question's weight unanswered…</summary>
    private const double UnansweredShare = 0.3;

    /// <summary>…and taken when it holds this share of what was left.</summary>
    private const double SecondPartShare = 0.5;

    /// <summary>Evidence chunks looked at, best first.</summary>
    private const int MaxChunks = 6;

    /// <param name="minCoverage">The share of the question the passages must hold; 0 answers whatever the evidence (answering everything, for evaluation).</param>
    public static IReadOnlyList<Passage> Select(string question, IReadOnlyList<RetrievedChunk> evidence, double minCoverage = MinCoverage)
    {
        var terms = Terms.Of(question).Distinct().ToList();
        if (terms.Count == 0 || evidence.Count == 0) return [];
        var chunks = evidence.Take(MaxChunks).ToList();
        var procedure = Passages.AsksForProcedure(question);
        var passages = chunks.SelectMany((c, rank) => Passages.Of(c, rank, procedure)).ToList();
        if (passages.Count == 0) return [];

        var core = passages.Select(p => Terms.Of(p.Core).ToHashSet()).ToList();
        var extended = passages.Select(p => Terms.Of($"{p.Extended} {p.Evidence.Chunk.DocumentTitle} {p.Evidence.Chunk.HeadingPath}").ToHashSet()).ToList();
        // Weights: inverse frequency among the passages; a word no passage holds weighs as much as the rarest one.
        var df = terms.ToDictionary(t => t, t => extended.Count(w => w.Contains(t)));
        var weight = terms.ToDictionary(t => t, t => Math.Log(1 + (double)passages.Count / (1 + df[t])));
        var whole = terms.Sum(t => weight[t]);
        // Focus words name what the question is about: names and codes, or long words (metformin, children), not its verbs.
        var named = NamedTerms.Of(question).ToHashSet();
        var focus = terms.Where(t => (named.Contains(t) || t.Length >= FocusWordLength) && df[t] > 0 && df[t] <= Math.Max(2, passages.Count / 5))
            .OrderByDescending(t => weight[t]).Take(2).ToList();
        double Share(IEnumerable<string> words, IReadOnlyCollection<string> of) => of.Sum(t => weight[t]) is var all and > 0 ? of.Where(words.Contains).Sum(t => weight[t]) / all : 0;
        double Penalty(HashSet<string> words) => Math.Pow(MissingFocusFactor, focus.Count(t => !words.Contains(t)));

        // The chunk: its words (passages, title, headings) and retrieval's ranking.
        var topScore = Math.Max(chunks.Max(c => c.Score), 1e-9);
        var (denseMax, denseMin) = (chunks.Max(c => c.DenseScore ?? 0), chunks.Min(c => c.DenseScore ?? 0));
        double Prior(RetrievedChunk c) => 0.5 * Math.Clamp(c.Score / topScore, 0, 1)
            + 0.5 * (denseMax > denseMin ? ((c.DenseScore ?? denseMin) - denseMin) / (denseMax - denseMin) : 1);
        var chunkWords = chunks.ToDictionary(c => c.Chunk.ChunkId,
            c => passages.Select((p, i) => (p, i)).Where(x => x.p.Evidence == c).SelectMany(x => extended[x.i]).ToHashSet());
        var bestChunk = chunks.Where(c => chunkWords[c.Chunk.ChunkId].Count > 0)
            .Select((c, rank) => (Chunk: c, Rank: rank, Score: (Share(chunkWords[c.Chunk.ChunkId], terms) + RankWeight * Prior(c)) * Penalty(chunkWords[c.Chunk.ChunkId])))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Rank).First().Chunk;

        // The passage within it.
        var indexes = Enumerable.Range(0, passages.Count).ToList();
        var first = indexes.Where(i => passages[i].Evidence == bestChunk)
            .OrderByDescending(i => (0.6 * Share(core[i], terms) + 0.4 * Share(extended[i], terms)) * Penalty(extended[i])).ThenBy(i => i).First();
        var chosen = new List<int> { first };

        // A second part of the question that the first passage leaves unanswered.
        var left = terms.Where(t => !extended[first].Contains(t) && df[t] > 0).ToList();
        if (left.Sum(t => weight[t]) / whole >= UnansweredShare)
        {
            var second = indexes.Where(i => i != first && !Overlaps(passages[i], passages[first]))
                .OrderByDescending(i => Share(core[i], left)).ThenBy(i => i).FirstOrDefault(-1);
            if (second >= 0 && Share(extended[second], left) >= SecondPartShare) chosen.Add(second);
        }

        var covered = chosen.SelectMany(i => extended[i]).ToHashSet();
        return minCoverage > 0 && Share(covered, terms) < minCoverage
            ? []
            : chosen.Select(i => passages[i]).ToList();
    }

    private static bool Overlaps(Passage a, Passage b) =>
        a.Evidence.Chunk.ChunkId == b.Evidence.Chunk.ChunkId && (a.Quote.Contains(b.Core, StringComparison.Ordinal) || b.Quote.Contains(a.Core, StringComparison.Ordinal));
}
