using System.Globalization;
using System.Text.Json;
using KnowledgePlatform.Cli;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Rag.Calibration;
using Spectre.Console;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>`kp-bench eval --answers`: the knowledge base without a seeded share of its documents, and every question answered.</summary>
internal static class AnswerEvalCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(BeirDataset dataset, EvalSettings settings, CancellationToken ct)
    {
        // Written to a file, the table keeps its columns whole.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
        var vertical = EvalSettings.ParseVertical(settings.Vertical)!.Value;
        var split = AnswerabilitySplit.Of(dataset, settings.Unanswerable, settings.Seed);
        // Production depth: the answer path is measured as it runs, not as the ranking evaluation deepens it.
        using var run = EvaluationRun.Open(depth: null, settings.CacheFolder, new Bm25Parameters(settings.K1, settings.B));
        var chunking = ChunkingSettings.For(vertical);
        var kept = dataset with { Corpus = split.Kept(dataset) };
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{dataset.Name}[/] answers: {kept.Corpus.Count} of {dataset.Corpus.Count} documents kept (seed {settings.Seed}), {split.Answerable.Count} answerable and {split.Unanswerable.Count} unanswerable questions; vertical {vertical}; model {run.Model.Name}");
        await EvalCommand.Status("embedding and indexing chunks", p => run.IngestAsync(kept, chunking, new SynchronousProgress<(int Done, int Total)>(x => p(x.Done, x.Total)), ct));

        var evaluation = new AnswerEvaluation(run, vertical, settings.WithCandidates);
        EvidenceGateCalibration? gate = null;
        await EvalCommand.Status("calibrating the fusion and the evidence gate from pseudo-questions", async _ => gate = await evaluation.CalibrateAsync(ct));
        AnsiConsole.MarkupLineInterpolated($"Fusion: {evaluation.Fusion!.Describe()}; every search below runs with it.");
        if (gate is null) AnsiConsole.MarkupLineInterpolated($"Evidence gate: too few pseudo-questions, the {vertical} default applies.");
        else AnsiConsole.MarkupLineInterpolated($"Evidence gate: fitted from {gate.Questions} pseudo-questions, AUC {gate.Auc:0.000} on them (2-fold), threshold {gate.Threshold:0.000}; weights {string.Join(" ", gate.Weights.Select(w => w.ToString("0.00", CultureInfo.InvariantCulture)))}, bias {gate.Bias:0.00}");

        var total = Math.Min(split.Answerable.Count, settings.Limit ?? int.MaxValue) + Math.Min(split.Unanswerable.Count, settings.Limit ?? int.MaxValue);
        AnswerEvaluationResult? result = null;
        await EvalCommand.Status($"answering {total} questions", async p =>
        {
            var done = 0;
            result = await evaluation.RunAsync(dataset, split, gate, settings.Limit, new SynchronousProgress<int>(n => p(done += n, total)), ct);
        });
        Print(result!);
        AnsiConsole.MarkupLineInterpolated($"Feature AUCs on these questions: {string.Join(", ", result!.FeatureAucs.Select(f => $"{f.Key} {(f.Value is { } v ? EvalCommand.F(v) : "–")}"))}");

        // --fit: the gate fitted on these judged questions, to set on the knowledge base they come from (PUT …/evidence-gate).
        var fitted = settings.Fit ? GateCalibrator.FitJudged(result.Judged, vertical, run.ChunkCount, DateTimeOffset.UtcNow) : null;
        if (fitted is not null)
            AnsiConsole.MarkupLineInterpolated($"Gate fitted on these {fitted.Questions} judged questions (in-sample AUC {EvalCommand.F(fitted.Auc ?? 0)}), for PUT /api/v1/knowledge-bases/{{kb}}/evidence-gate:\n{JsonSerializer.Serialize(new { fitted.Weights, fitted.Bias, fitted.Threshold, fitted.Questions, fitted.Auc }, Json)}");

        var output = settings.Out ?? $"{dataset.Name}.answers.json";
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
        {
            dataset = dataset.Name,
            documents = dataset.Corpus.Count,
            kept = kept.Corpus.Count,
            unanswerableFraction = settings.Unanswerable,
            seed = settings.Seed,
            vertical = settings.Vertical,
            fusion = evaluation.Fusion.Calibration,
            model = run.Model.Name,
            gate,
            fittedGate = fitted,
            featureAucs = result.FeatureAucs,
            answers = result!.Platform,
            answerEverything = result.AnswerEverything,
            naiveGate = result.NaiveGate,
            naiveThreshold = result.NaiveThreshold,
            latency = new { search = result.Search, answer = result.Answer, ratioP50 = result.Answer.P50Ms / result.Search.P50Ms },
            gateExamples = settings.WithCandidates ? evaluation.GateExamples.Select(e => new { kind = e.Question.Kind.ToString(), question = e.Question.Question, e.Answerable, e.Unanswerable }) : null,
            removed = settings.WithCandidates ? split.Removed.Order(StringComparer.Ordinal).ToList() : null,
            questions = result.Questions,
        }, Json), ct);
        AnsiConsole.MarkupLineInterpolated($"Per-question results: {output}");
        return 0;
    }

    private static void Print(AnswerEvaluationResult r)
    {
        var table = new Table().AddColumns("answering", "correct", "wrong", "false abst.", "abstained", "answered unans.", "misleading", "gate AUC", "span recall");
        foreach (var (name, s) in new[] { ("answer everything", r.AnswerEverything), ($"naive gate (top dense ≥ {r.NaiveThreshold:0.00})", r.NaiveGate), ("platform (evidence gate)", r.Platform) })
        {
            table.AddRow(Markup.Escape(name), $"{s.Correct}/{s.Answerable}", s.Wrong.ToString(CultureInfo.InvariantCulture), s.FalseAbstentions.ToString(CultureInfo.InvariantCulture),
                $"{s.Abstained}/{s.Unanswerable}", s.AnsweredUnanswerable.ToString(CultureInfo.InvariantCulture), s.Misleading.ToString(CultureInfo.InvariantCulture),
                s.GateAuc is { } auc ? EvalCommand.F(auc) : "–", s.SpanRecall is { } span ? EvalCommand.F(span) : "–");
        }
        AnsiConsole.Write(table);
        var e = r.AnswerEverything;
        var p = r.Platform;
        AnsiConsole.MarkupLineInterpolated(
            $"Gate AUC {(p.GateAuc is { } g ? EvalCommand.F(g) : "–")} vs naive {(p.NaiveGateAuc is { } n ? EvalCommand.F(n) : "–")}; misleading {p.Misleading} vs {e.Misleading} answering everything ({Ratio(p.Misleading, e.Misleading)}); correct kept {Ratio(p.Correct, e.Correct)}.");
        AnsiConsole.MarkupLineInterpolated(
            $"Latency p50: search {r.Search.P50Ms:0.0} ms, answer {r.Answer.P50Ms:0.0} ms ({r.Answer.P50Ms / r.Search.P50Ms:0.00}x); p95 {r.Search.P95Ms:0.0} / {r.Answer.P95Ms:0.0} ms.");
    }

    private static string Ratio(int a, int b) => b == 0 ? "–" : ((double)a / b).ToString("0.00", CultureInfo.InvariantCulture);
}
