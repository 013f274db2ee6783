using System.Numerics.Tensors;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Calibration;

/// <summary>
/// Fits a knowledge base's fusion weight without gold questions (decision 0120). Each pseudo-question is searched by
/// both signals over the knowledge base's chunks with its source chunks masked (the question's words taken out of
/// them, dense similarity and BM25 score computed again for the masked text), so that neither signal finds the source
/// by the very words it was cut from. The dense weight of convex fusion with the best mean nDCG@10 over the
/// pseudo-questions (the documents they were cut from being the relevant ones) is the knowledge base's weight.
/// </summary>
public sealed class FusionCalibrator(EmbeddingModel model, IChunkIndex index, Bm25Parameters bm25)
{
    /// <summary>At least this many pseudo-questions, or the knowledge base keeps its vertical's default weight.</summary>
    public const int MinQuestions = 20;

    /// <summary>Candidates per signal, as production searches.</summary>
    public const int Candidates = 40;

    /// <summary>Source chunks masked and scored again per pseudo-question (the best ranked); other source chunks leave both lists.</summary>
    private const int MaskedPerQuestion = 3;

    /// <summary>
    /// The pseudo-questions a fusion is fitted on (decision 0126): those cut for the evidence gate that ask as a user asks
    /// (FAQ questions, table rows by their key, titles and headings worded as questions), and as many sentences cut out of
    /// their chunks, which ask for a fact in the words of the content. Titles and headings that name a topic are left
    /// out: they ask for a document by its name, which a user of an assistant rarely does, and they lean the fit to dense
    /// well past what real questions want (emanual and covidqa: 0.75 and 0.90 alone, where the gold questions want 0.45 and 0.40).
    /// </summary>
    public static IReadOnlyList<PseudoQuestion> Questions(IReadOnlyList<ChunkPayload> chunks, IReadOnlyList<PseudoQuestion> cut) =>
    [
        .. cut.Where(AsksAsAUserAsks),
        .. PseudoQuestions.Sentences(chunks, GateCalibrator.MaxQuestions),
    ];

    private static bool AsksAsAUserAsks(PseudoQuestion question) =>
        question.Kind is not (PseudoQuestionKind.Title or PseudoQuestionKind.Heading) || PseudoQuestions.IsWordedAsQuestion(question.Question);

    /// <summary>Searches each pseudo-question; <paramref name="chunks"/> are the knowledge base's chunks (or the sample the questions were cut from).</summary>
    public async Task<IReadOnlyList<FusionExample>> ExamplesAsync(
        IReadOnlyList<PseudoQuestion> questions, IReadOnlyList<ChunkPayload> chunks, ChunkFilter filter, CancellationToken ct)
    {
        var corpus = new Bm25Corpus(chunks.Select(c => c.SearchableText).ToList(), bm25);
        var known = chunks.Select(c => c.ChunkId).ToHashSet();
        var examples = new List<FusionExample>(questions.Count);
        // All questions in one call: the generator runs them length-sorted in small batches, cheaper than one by one.
        var queryVectors = await model.Generator.GenerateAsync(questions.Select(q => model.Card.QueryPrefix + q.Question), EmbeddingPriority.Background(), ct);
        for (var i = 0; i < questions.Count; i++)
        {
            var (q, queryVector) = (questions[i], queryVectors[i].Vector);
            var sourceIds = q.Sources.Select(s => s.ChunkId).ToHashSet();
            var depth = Candidates + sourceIds.Count;
            var dense = (await index.SearchDenseAsync(filter, queryVector, depth, ct)).Where(h => known.Contains(h.Chunk.ChunkId)).ToList();
            var keyword = corpus.Search(q.Question, depth).Select(h => new ChunkHit(chunks[h.Document], h.Score)).ToList();

            var found = dense.Concat(keyword).Select(h => h.Chunk.ChunkId).Where(sourceIds.Contains).Distinct();
            var chosen = found.Concat(q.Sources.Select(s => s.ChunkId)).Distinct().Take(MaskedPerQuestion).ToHashSet();
            var masked = q.Masked.Where(m => chosen.Contains(m.ChunkId)).ToList();
            var similarities = await SimilaritiesAsync(queryVector, masked, ct);
            examples.Add(new FusionExample(q,
                WithMasked(dense, sourceIds, masked.Select((m, i) => new ChunkHit(m, similarities[i]))),
                WithMasked(keyword, sourceIds, masked.Select(m => new ChunkHit(m, corpus.Score(q.Question, m.SearchableText))).Where(h => h.Score > 0)),
                masked.Select(m => m.DocumentId).Distinct().ToDictionary(d => d, _ => 1)));
        }
        return examples;
    }

    /// <summary>The list without its source chunks, the masked ones placed by their new scores, cut to <see cref="Candidates"/>.</summary>
    internal static List<ChunkHit> WithMasked(IEnumerable<ChunkHit> hits, IReadOnlySet<string> sourceIds, IEnumerable<ChunkHit> masked) =>
        hits.Where(h => !sourceIds.Contains(h.Chunk.ChunkId)).Concat(masked)
            .OrderByDescending(h => h.Score).Take(Candidates).ToList();

    /// <summary>The least weight either signal keeps in a fitted fusion.</summary>
    public const double MinWeight = 0.1;

    /// <summary>The weights tried: 0 (BM25 alone) to 1 (dense alone) in steps of 0.05.</summary>
    public static IReadOnlyList<double> Weights { get; } = Enumerable.Range(0, 21).Select(i => i / 20.0).ToList();

    /// <summary>Mean nDCG@10 over the examples of convex fusion at each of <see cref="Weights"/>.</summary>
    public static double[] Curve(IReadOnlyList<FusionExample> examples) =>
        Weights.Select(w => examples.Average(e => Ndcg10(e, RankFusion.Convex(e.Dense, e.Keyword, w)))).ToArray();

    /// <summary>
    /// The weight from <see cref="MinWeight"/> to 1 − <see cref="MinWeight"/> with the best mean nDCG@10 over the examples
    /// (the curve smoothed over neighbouring weights, so one question more or less does not swing it; ties go to the
    /// weight nearer 0.5), or null when there are too few examples.
    /// </summary>
    public static FusionCalibration? Fit(IReadOnlyList<FusionExample> examples, int chunkCount, DateTimeOffset now)
    {
        if (examples.Count < MinQuestions) return null;
        var curve = Curve(examples);
        var smoothed = curve.Select((_, i) => curve[Math.Max(0, i - 1)..Math.Min(curve.Length, i + 2)].Average()).ToArray();
        // Never one signal alone: a tenth for the weaker one costs little where the other dominates and catches what it misses.
        var best = Enumerable.Range(0, curve.Length).Where(i => Weights[i] is >= MinWeight and <= 1 - MinWeight)
            .MaxBy(i => (smoothed[i], -Math.Abs(Weights[i] - 0.5)));
        return new FusionCalibration(Weights[best])
        {
            Source = FusionCalibration.SourcePseudoQuestions,
            FittedAt = now,
            Questions = examples.Count,
            ChunkCount = chunkCount,
            KeywordNdcg10 = examples.Average(e => Ndcg10(e, RankFusion.Single([], e.Keyword))),
            DenseNdcg10 = examples.Average(e => Ndcg10(e, RankFusion.Single(e.Dense, []))),
            FusedNdcg10 = curve[best],
            EvenNdcg10 = curve[Weights.Count / 2],
        };
    }

    private static double Ndcg10(FusionExample e, IReadOnlyList<RetrievedChunk> ranked) =>
        RankingQuality.Ndcg(RankingQuality.MaxPool(ranked.Select(r => r.Chunk.DocumentId), 10), e.Relevant, 10);

    private async Task<float[]> SimilaritiesAsync(ReadOnlyMemory<float> query, IReadOnlyList<ChunkPayload> chunks, CancellationToken ct)
    {
        if (chunks.Count == 0) return [];
        var vectors = await model.Generator.GenerateAsync(chunks.Select(c => EmbeddingText.Of(c.DocumentTitle, c.HeadingPath, c.Text)).ToList(), EmbeddingPriority.Background(), ct);
        return vectors.Select(v => TensorPrimitives.CosineSimilarity(query.Span, v.Vector.Span)).ToArray();
    }
}
