using System.Diagnostics;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Rag.Calibration;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// The evaluation knowledge base calibrated as the server calibrates one (decision 0120): pseudo-questions cut from its
/// chunks, the fusion weight fitted on them, no gold question used. Timed, since it runs on the server in the background.
/// </summary>
/// <param name="Curves">Mean nDCG@10 of the pseudo-questions at each dense weight 0, 0.05 … 1: all of them, and each kind apart.</param>
/// <param name="Examples">Each pseudo-question with its masked candidate lists, written out by <c>--with-candidates</c>.</param>
internal sealed record SelfCalibration(FusionCalibration Calibration, IReadOnlyDictionary<string, IReadOnlyList<double>> Curves, int PseudoQuestions, TimeSpan Took,
    IReadOnlyList<FusionExample> Examples)
{
    public static async Task<SelfCalibration> RunAsync(IReadOnlyList<ChunkPayload> chunks, EmbeddingModel model, IChunkIndex index, Bm25Parameters bm25, Vertical vertical,
        CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var questions = FusionCalibrator.Questions(chunks, Rag.Calibration.PseudoQuestions.Cut(chunks, GateCalibrator.MaxQuestions));
        var examples = await new FusionCalibrator(model, index, bm25).ExamplesAsync(questions, chunks, new ChunkFilter(EvaluationRun.Tenant, [EvaluationRun.KnowledgeBase]), ct);
        var fitted = FusionCalibrator.Fit(examples, chunks.Count, DateTimeOffset.UtcNow);
        var curves = new Dictionary<string, IReadOnlyList<double>>();
        if (examples.Count > 0) curves["all"] = FusionCalibrator.Curve(examples);
        foreach (var kind in examples.GroupBy(e => e.Question.Kind)) curves[kind.Key.ToString()] = FusionCalibrator.Curve(kind.ToList());
        return new SelfCalibration(fitted ?? FusionCalibration.Default(vertical), curves, questions.Count, clock.Elapsed, examples);
    }

    public string Describe() => Calibration.Source == FusionCalibration.SourcePseudoQuestions
        ? FormattableString.Invariant(
            $"dense weight {Calibration.DenseWeight:0.00} from {Calibration.Questions} pseudo-questions in {Took.TotalSeconds:0.0}s (their nDCG@10: BM25 {Calibration.KeywordNdcg10:0.000}, dense {Calibration.DenseNdcg10:0.000}, fused {Calibration.FusedNdcg10:0.000}, weight 0.5 {Calibration.EvenNdcg10:0.000})")
        : FormattableString.Invariant($"too few pseudo-questions ({PseudoQuestions}): the vertical's default dense weight {Calibration.DenseWeight:0.00}");

    public object ToJson(bool withExamples) => new
    {
        calibration = Calibration, curves = Curves, pseudoQuestions = PseudoQuestions, seconds = Took.TotalSeconds,
        examples = withExamples ? Examples.Select(e => new
        {
            kind = e.Question.Kind.ToString(), question = e.Question.Question, relevant = e.Relevant.Keys,
            sources = e.Question.Sources.Select(s => new object[] { s.DocumentId, s.Ordinal }),
            dense = e.Dense.Select(h => new object[] { h.Chunk.DocumentId, h.Chunk.Ordinal, h.Score }),
            keyword = e.Keyword.Select(h => new object[] { h.Chunk.DocumentId, h.Chunk.Ordinal, h.Score }),
        }) : null,
    };
}
