using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using KnowledgePlatform.Cli;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Rag.Retrieval;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>kp-bench eval: retrieval quality and latency of bm25, dense and hybrid on a BEIR-layout test set.</summary>
public sealed class EvalCommand : AsyncCommand<EvalSettings>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public override Task<int> ExecuteAsync(CommandContext context, EvalSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        var dataset = await BeirDataset.LoadAsync(settings.Dataset, cancellationToken);
        if (settings.Answers) return await AnswerEvalCommand.RunAsync(dataset, settings, cancellationToken);
        var queries = dataset.Queries.Take(settings.Limit ?? int.MaxValue).ToList();
        if (queries.Count == 0) throw new CliException("No judged queries: queries.jsonl ids must appear in qrels.tsv.");
        using var run = EvaluationRun.Open(settings.Depth, settings.CacheFolder, new Bm25Parameters(settings.K1, settings.B), settings.VectorPrecision);
        var methods = (settings.Methods ?? (run.RerankerConfigured ? "bm25,dense,hybrid,hybrid+rerank" : "bm25,dense,hybrid"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (methods.FirstOrDefault(m => m is not ("bm25" or "dense" or "hybrid" or "hybrid+rerank")) is { } unknown)
            throw new CliException($"Unknown method '{unknown}': use bm25, dense, hybrid, hybrid+rerank.");
        if (methods.Contains("hybrid+rerank") && !run.RerankerConfigured)
            throw new CliException("hybrid+rerank needs a reranker: set Rerank:Endpoint (e.g. Rerank__Endpoint=http://localhost:8080/rerank).");
        var chunking = ChunkingSettings.For(Vertical.General);
        chunking = new ChunkingSettings(settings.MaxTokens ?? chunking.MaxTokens, settings.Overlap ?? chunking.OverlapTokens);
        var kbSettings = run.Options.Resolve(new RetrievalSettings
        {
            Fusion = settings.Fusion, DenseWeight = settings.DenseWeight, KeywordWeight = settings.KeywordWeight, RrfK = settings.RrfK,
        });

        AnsiConsole.MarkupLineInterpolated($"[bold]{dataset.Name}[/]: {dataset.Corpus.Count} documents, {queries.Count} judged queries; model {run.Model.Name}");
        var started = DateTime.UtcNow;
        await Status("embedding and indexing chunks", p => run.IngestAsync(dataset, chunking, new SynchronousProgress<(int Done, int Total)>(x => p(x.Done, x.Total)), cancellationToken, chunkContext: !settings.WithoutChunkContext));
        AnsiConsole.MarkupLineInterpolated($"{run.ChunkCount} chunks ({chunking.MaxTokens} tokens, overlap {chunking.OverlapTokens}), {run.CacheHits} embeddings from the cache, {(DateTime.UtcNow - started).TotalSeconds:0}s");

        var runs = new List<MethodRun>();
        if (settings.CompareLucene)
        {
            run.CompareLucene(settings.LuceneSimilarity == "exact");
            AnsiConsole.MarkupLineInterpolated($"Lucene.NET index of the same chunks: {run.Lucene?.Seconds ?? 0:0.0}s");
        }
        foreach (var method in methods)
        {
            var mode = method switch { "bm25" => RetrievalMode.Keyword, "dense" => RetrievalMode.Dense, _ => RetrievalMode.Hybrid };
            MethodRun? result = null;
            await Status($"{method}: {queries.Count} queries", async p =>
            {
                var done = 0;
                result = await run.RunAsync(method, mode, method == "hybrid+rerank", kbSettings, dataset, queries, new SynchronousProgress<int>(n => p(done += n, queries.Count)), cancellationToken);
            });
            runs.Add(result!);
            if (method == "bm25" && settings.CompareLucene)
            {
                var (lucene, same) = run.RunLucene(dataset, queries, result!);
                runs.Add(lucene);
                AnsiConsole.MarkupLineInterpolated($"Lucene.NET ({settings.LuceneSimilarity} lengths) returned the embedded index's top 10, in order, for {same} of {queries.Count} queries.");
            }
        }

        SelfCalibration? self = null;
        if (methods.Contains("hybrid"))
        {
            self = await run.SelfCalibrateAsync(Vertical.General, cancellationToken);
            var selfSettings = kbSettings with { Fusion = FusionMethod.Convex, DenseWeight = self.Calibration.DenseWeight };
            await Status($"hybrid (self-calibrated): {queries.Count} queries", async p =>
            {
                var done = 0;
                runs.Add(await run.RunAsync("hybrid (self-calibrated)", RetrievalMode.Hybrid, false, selfSettings, dataset, queries, new SynchronousProgress<int>(n => p(done += n, queries.Count)), cancellationToken));
            });
        }

        if (settings.QuestionVectors && self is not null && runs.FirstOrDefault(r => r.Name == "dense") is { } denseRun && runs.FirstOrDefault(r => r.Name == "bm25") is { } bm25Run)
            runs.AddRange(await QuestionVectorAblation.RunAsync(run, dataset, denseRun, bm25Run, self.Calibration.DenseWeight, cancellationToken));

        FusionFit? fit = null;
        if (settings.Fit && runs.FirstOrDefault(r => r.Name == "dense") is { } dense && runs.FirstOrDefault(r => r.Name == "bm25") is { } bm25)
            fit = FusionFit.Run(dataset, dense, bm25, kbSettings);

        var recall = await run.DenseRecallAsync(queries, 10, cancellationToken);
        PrintTable(runs, fit);
        AnsiConsole.MarkupLineInterpolated($"Hybrid fusion: {Describe(kbSettings)}. Dense recall@10 against exact search (same embeddings): [bold]{recall:0.000}[/]");
        if (self is not null)
            AnsiConsole.MarkupLineInterpolated($"Self-calibrated (no gold question used): {self.Describe()}");
        if (fit is not null)
            AnsiConsole.MarkupLineInterpolated($"Fitted on these judgements: {fit.Describe()}");

        if (settings.SearchDuringCalibration)
            (await CalibrationLoad.MeasureAsync(run, queries, kbSettings, cancellationToken)).Print();

        var latency = new List<LatencyReport>();
        foreach (var target in settings.LatencySizes ?? [])
        {
            PaddingCost? padding = null;
            await Status($"padding to {target:N0} chunks", async p => padding = await run.PadAsync(target, new SynchronousProgress<(int Done, int Total)>(x => p(x.Done, x.Total)), cancellationToken));
            latency.Add(await run.MeasureLatencyAsync(queries.Take(500).ToList(), kbSettings, padding!, cancellationToken));
            AnsiConsole.MarkupLineInterpolated($"[grey]  {target:N0} chunks measured[/]");
        }
        LatencyReport.Print(latency);

        var output = settings.Out ?? $"{dataset.Name}.eval.json";
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(Report(dataset, run, chunking, kbSettings, recall, runs, fit, self, latency, settings.WithCandidates), Json), cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"Per-query results: {output}");
        return 0;
    });

    internal static string Describe(RetrievalSettings s) => s.Fusion == FusionMethod.Convex
        ? string.Create(CultureInfo.InvariantCulture, $"convex, dense weight {s.DenseWeight:0.00}")
        : string.Create(CultureInfo.InvariantCulture, $"RRF k {s.RrfK}, weights dense {s.DenseWeight:0.00} / BM25 {s.KeywordWeight:0.00}");

    private static void PrintTable(IReadOnlyList<MethodRun> runs, FusionFit? fit)
    {
        var table = new Table().AddColumns("method", "nDCG@10", "Recall@10", "Recall@100", "MRR@10", "p50 ms", "p95 ms");
        foreach (var r in runs)
            table.AddRow(r.Name, F(r.Mean(m => m.Ndcg10)), F(r.Mean(m => m.Recall10)), F(r.Mean(m => m.Recall100)), F(r.Mean(m => m.Mrr10)),
                r.Percentile(50).ToString("0.0", CultureInfo.InvariantCulture), r.Percentile(95).ToString("0.0", CultureInfo.InvariantCulture));
        if (fit is not null)
            table.AddRow("hybrid (fitted, 2-fold CV)", F(fit.CrossValidated.Ndcg10), F(fit.CrossValidated.Recall10), F(fit.CrossValidated.Recall100), F(fit.CrossValidated.Mrr10), "", "");
        AnsiConsole.Write(table);
    }

    internal static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    internal static async Task Status(string what, Func<Action<int, int>, Task> body)
    {
        var last = DateTime.MinValue;
        await body((done, total) =>
        {
            if (DateTime.UtcNow - last < TimeSpan.FromSeconds(5) && done < total) return;
            last = DateTime.UtcNow;
            Console.Error.WriteLine($"  {what}: {done}/{total}");
        });
    }

    private static object Report(BeirDataset dataset, EvaluationRun run, ChunkingSettings chunking, RetrievalSettings kb, double recall,
        IReadOnlyList<MethodRun> runs, FusionFit? fit, SelfCalibration? self, IReadOnlyList<LatencyReport> latency, bool withCandidates) => new
    {
        dataset = dataset.Name,
        documents = dataset.Corpus.Count,
        chunks = run.ChunkCount,
        model = run.Model.Name,
        chunking = new { chunking.MaxTokens, chunking.OverlapTokens },
        fusion = kb,
        depth = run.Options.Candidates,
        denseRecallAt10 = recall,
        fit = fit?.ToJson(),
        selfCalibration = self?.ToJson(withCandidates),
        latency,
        methods = runs.Select(r => new
        {
            name = r.Name,
            ndcg10 = r.Mean(m => m.Ndcg10),
            recall10 = r.Mean(m => m.Recall10),
            recall100 = r.Mean(m => m.Recall100),
            mrr10 = r.Mean(m => m.Mrr10),
            p50Ms = r.Percentile(50),
            p95Ms = r.Percentile(95),
            queries = r.Queries.Select(q => new
            {
                id = q.Query.Id,
                q.Metrics.Ndcg10,
                q.Metrics.Recall10,
                q.Metrics.Recall100,
                q.Metrics.Mrr10,
                q.EmbeddingMs,
                q.SearchMs,
                top10 = RankingMetrics.MaxPool(q.Chunks.Select(c => c.Chunk.DocumentId), 10),
                candidates = withCandidates ? q.Chunks.Select(c => new object[] { c.Chunk.DocumentId, c.Chunk.Ordinal, c.Score }) : null,
            }),
        }),
    };
}
