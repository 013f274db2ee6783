using System.Numerics.Tensors;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Evidence;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Calibration;

/// <summary>
/// Fits a knowledge base's evidence gate without hand-labelled questions (decision 0100): each pseudo-question is asked
/// through the real retrieval; its candidate pool with the question's own words masked out of its source chunks (dense
/// similarity recomputed for them) is an answerable example, the pool without its document an unanswerable one. A
/// logistic model over <see cref="EvidenceFeatures"/> is fitted to them, and the threshold set to let the vertical's
/// share of the unanswerable ones through.
/// </summary>
public sealed class GateCalibrator(EmbeddingModel model)
{
    /// <summary>At least this many pseudo-questions, or the knowledge base keeps its vertical's default gate.</summary>
    public const int MinQuestions = 20;

    public const int MaxQuestions = 150;

    /// <summary>Source chunks re-embedded per pseudo-question (the best by dense similarity); other source chunks leave the pool.</summary>
    private const int MaskedPerQuestion = 3;

    /// <summary>Asks each pseudo-question; <paramref name="search"/> returns the fused candidate pool of a query (floor off).</summary>
    public async Task<IReadOnlyList<GateExample>> ExamplesAsync(
        IReadOnlyList<PseudoQuestion> questions, Func<string, CancellationToken, Task<IReadOnlyList<RetrievedChunk>>> search, CancellationToken ct)
    {
        var examples = new List<GateExample>(questions.Count);
        foreach (var q in questions)
        {
            var pool = await search(q.Question, ct);
            var withoutDocument = pool.Where(c => !q.DocumentIds.Contains(c.Chunk.DocumentId)).ToList();
            var sourceIds = q.Sources.Select(s => s.ChunkId).ToHashSet();
            // The source chunks the retrieval found (or, when it found none, the first ones), masked and scored again.
            var found = pool.Where(c => sourceIds.Contains(c.Chunk.ChunkId)).Select(c => c.Chunk.ChunkId).ToList();
            var chosen = (found.Count > 0 ? found : q.Sources.Select(s => s.ChunkId)).Take(MaskedPerQuestion).ToHashSet();
            var masked = q.Masked.Where(m => chosen.Contains(m.ChunkId)).ToList();
            var dense = await SimilaritiesAsync(q.Question, masked, ct);
            var answerablePool = WithMasked(pool, sourceIds, masked.Select((m, i) => new RetrievedChunk(m, 0, dense[i], null, null, null)).ToList());
            examples.Add(new GateExample(q, EvidenceFeatures.Of(q.Question, answerablePool).Values, EvidenceFeatures.Of(q.Question, withoutDocument).Values));
        }
        return examples;
    }

    /// <summary>
    /// The pool with its source chunks masked: a masked chunk takes its original's place when retrieval found it, or the
    /// place its new dense similarity earns among the rest; source chunks not masked leave the pool.
    /// </summary>
    internal static List<RetrievedChunk> WithMasked(IReadOnlyList<RetrievedChunk> pool, IReadOnlySet<string> sourceIds, IReadOnlyList<RetrievedChunk> masked)
    {
        var byId = masked.ToDictionary(m => m.Chunk.ChunkId);
        var result = new List<RetrievedChunk>(pool.Count + masked.Count);
        foreach (var c in pool)
        {
            if (byId.Remove(c.Chunk.ChunkId, out var replacement)) result.Add(replacement);
            else if (!sourceIds.Contains(c.Chunk.ChunkId)) result.Add(c);
        }
        foreach (var m in byId.Values)
        {
            var at = result.FindIndex(c => (c.DenseScore ?? 0) < m.DenseScore);
            result.Insert(at < 0 ? result.Count : at, m);
        }
        return result;
    }

    /// <summary>
    /// The gate calibrated on the examples, or null when there are too few of them: the fixed score of
    /// <see cref="EvidenceFeatures"/> mapped to a confidence by a logistic fitted to the examples (its slope kept
    /// positive: a higher score never means less confidence), and the threshold at the vertical's operating point.
    /// </summary>
    public static EvidenceGateCalibration? Fit(IReadOnlyList<GateExample> examples, Vertical vertical, int chunkCount, DateTimeOffset now)
    {
        if (examples.Count < MinQuestions) return null;
        var (x, y) = Labelled(examples);
        return Calibrate(x, y, vertical) with
        {
            Source = EvidenceGateCalibration.SourcePseudoQuestions,
            FittedAt = now,
            Questions = examples.Count,
            FaqThreshold = FaqMatch.Threshold(examples.Where(e => e.Question.Kind == PseudoQuestionKind.Faq).Select(e => e.Question.Question).ToList()),
            ChunkCount = chunkCount,
        };
    }

    /// <summary>
    /// The gate fitted on a curator's judged questions (<c>kp-bench eval --answers --fit</c>): the same fixed score and logistic
    /// as self-calibration, on real questions the knowledge base can and cannot answer, the threshold at the vertical's
    /// operating point of the unanswerable ones.
    /// </summary>
    public static EvidenceGateCalibration? FitJudged(IReadOnlyList<(bool Answerable, double[] Values)> judged, Vertical vertical, int chunkCount, DateTimeOffset now)
    {
        var y = judged.Select(j => j.Answerable ? 1 : 0).ToList();
        if (judged.Count < MinQuestions || y.Distinct().Count() < 2) return null;
        return Calibrate(judged.Select(j => j.Values).ToList(), y, vertical) with
        {
            Source = EvidenceGateCalibration.SourceGoldQuestions,
            FittedAt = now,
            Questions = judged.Count,
            ChunkCount = chunkCount,
        };
    }

    /// <summary>
    /// The fixed score of <see cref="EvidenceFeatures"/> mapped to a confidence by a logistic fitted to the labels (its
    /// slope kept positive), the threshold at the vertical's operating point, and the score's AUC on the labels.
    /// </summary>
    private static EvidenceGateCalibration Calibrate(IReadOnlyList<double[]> features, IReadOnlyList<int> y, Vertical vertical)
    {
        var scores = features.Select(v => new EvidenceFeatures(v).Score).ToList();
        var (w, b) = LogisticModel.Fit(scores.Select(s => new[] { s }).ToList(), y);
        var slope = Math.Max(w[0], MinSlope);
        var confidences = scores.Select(s => LogisticModel.Sigmoid(slope * s + b)).ToList();
        return EvidenceFeatures.Calibration(slope, b, Threshold(confidences, y, GateOperatingPoint.For(vertical))) with
        {
            Auc = ScoreSeparation.Auc(scores.Where((_, i) => y[i] == 1).ToList(), scores.Where((_, i) => y[i] != 1).ToList()),
        };
    }

    /// <summary>The least slope a calibration keeps, so the score still orders the confidences.</summary>
    private const double MinSlope = 0.25;

    /// <summary>
    /// The threshold that lets the operating point's share of the unanswerable examples through (their upper quantile),
    /// but never one that turns away more than the operating point allows of the answerable examples: where content
    /// repeats itself (a heading's section also summarised in an FAQ), a masked pseudo-question is still answered and
    /// would push the threshold above questions the knowledge base does answer.
    /// </summary>
    public static double Threshold(IReadOnlyList<double> confidences, IReadOnlyList<int> labels, GateOperatingPoint point)
    {
        var unanswerable = confidences.Where((_, i) => labels[i] == 0).Order().ToList();
        if (unanswerable.Count == 0) return 0.5;
        var threshold = Quantile(unanswerable, 1 - point.FalseAcceptRate);
        var answerable = confidences.Where((_, i) => labels[i] == 1).Order().ToList();
        return answerable.Count == 0 ? threshold : Math.Min(threshold, Quantile(answerable, 1 - point.AnswerableKept));
    }

    /// <summary>The q-quantile of sorted values, linearly interpolated.</summary>
    private static double Quantile(List<double> sorted, double q)
    {
        var at = q * (sorted.Count - 1);
        var (lower, upper) = ((int)Math.Floor(at), (int)Math.Ceiling(at));
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (at - lower);
    }

    private static (List<double[]> X, List<int> Y) Labelled(IReadOnlyList<GateExample> examples) =>
        (examples.SelectMany(e => new[] { e.Answerable, e.Unanswerable }).ToList(), examples.SelectMany(_ => new[] { 1, 0 }).ToList());

    private async Task<float[]> SimilaritiesAsync(string question, IReadOnlyList<ChunkPayload> chunks, CancellationToken ct)
    {
        var texts = new List<string> { model.Card.QueryPrefix + question };
        texts.AddRange(chunks.Select(c => EmbeddingText.Of(c.DocumentTitle, c.HeadingPath, c.Text)));
        var vectors = await model.Generator.GenerateAsync(texts, EmbeddingPriority.Background(), ct);
        var similarities = new float[chunks.Count];
        for (var i = 0; i < chunks.Count; i++) similarities[i] = TensorPrimitives.CosineSimilarity(vectors[0].Vector.Span, vectors[i + 1].Vector.Span);
        return similarities;
    }
}
