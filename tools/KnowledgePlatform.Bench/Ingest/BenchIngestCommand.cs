// Over 300 lines: one benchmark run (the encoder baselines, the pipeline through the real steps, the report) whose parts share its measurements.
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using KnowledgePlatform.Cli;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Embeddings;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Ingestion;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Intake;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Ingestion.Pipeline.Steps;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.Ingest;

/// <summary>
/// <c>kp-bench ingest</c>: ingests a corpus and a long PDF through the real intake and pipeline in a throwaway
/// data folder, runs the encoder alone on the same chunk texts, and prints the rates and their ratio.
/// </summary>
public sealed class BenchIngestCommand : AsyncCommand<BenchIngestSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, BenchIngestSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        var corpusFolder = settings.Corpus ?? BenchCorpus.FindDefault();
        var corpus = corpusFolder is null ? [] : await BenchCorpus.LoadAsync(corpusFolder, settings.Limit, cancellationToken);
        if (corpus.Count == 0 && settings.PdfPages == 0) throw new CliException("Nothing to ingest: no corpus found (--corpus) and --pdf-pages 0.");

        var load = LoadAverage();
        var data = Path.Combine(Path.GetTempPath(), $"kp-bench-{Guid.NewGuid():N}");
        var clock = new StepClock { RecordsCalls = settings.ReplayCalls };
        var host = BuildHost(data, settings, clock);
        var owned = new List<IDisposable>();
        try
        {
            await host.StartAsync(cancellationToken);
            var embedding = host.Services.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
            var workers = host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.Workers;
            var pipelineEncoder = clock.Untimed(host.Services.GetRequiredService<EmbeddingModelRegistry>().Default.Generator);
            var embedBatch = host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.EmbeddingBatchSize;
            AnsiConsole.MarkupLineInterpolated($"[grey]kp-bench ingest · runtime {embedding.Runtime} · threads {(embedding.Threads == 0 ? Environment.ProcessorCount : embedding.Threads)} · model runs ≤{embedding.OnnxBatchSize} texts/{embedding.BatchTokens} tokens · model calls of ≤{embedBatch} texts · {workers} jobs in flight · {Environment.ProcessorCount} cores[/]");

            var report = new Report(settings.WithoutModel);
            if (corpus.Count > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]Corpus: {corpus.Count} documents from {corpusFolder}, in {settings.Rounds} rounds[/]");
                var kb = await CreateKnowledgeBaseAsync(host, "bench-corpus", Vertical.Medical, cancellationToken);
                var comparisons = settings.Compare > 0 && !settings.WithoutModel ? Comparisons(host, embedding, owned) : [];
                var slice = (corpus.Count + settings.Rounds - 1) / settings.Rounds;
                for (var round = 0; round * slice < corpus.Count; round++)
                {
                    var files = corpus.Skip(round * slice).Take(slice).Select(d => ($"{d.Id}.txt", Encoding.UTF8.GetBytes(d.FileText))).ToList();
                    var run = await IngestAsync(host, clock, kb, workers, files, cancellationToken);
                    var texts = await EmbeddingTextsAsync(host, run.DocumentIds, cancellationToken);
                    var raw = await EncoderAloneAsync(pipelineEncoder, texts, settings.WithoutModel, cancellationToken);
                    var calls = clock.TakeCalls();
                    if (settings.ReplayCalls && calls.Count > 0)
                    {
                        var replay = await Measure.RunAsync(async () => { foreach (var call in calls) await pipelineEncoder.GenerateAsync(call, cancellationToken: cancellationToken); });
                        AnsiConsole.MarkupLineInterpolated($"[grey]  the pipeline's {calls.Count} model calls ({calls.Average(c => c.Count):0.0} texts each) replayed alone: {replay.Seconds:0.0} s ({replay.CpuSeconds:0.0} CPU s)[/]");
                    }
                    report.CorpusRound(run, texts.Count, raw);
                    var sample = texts.Take(settings.Compare / settings.Rounds).ToList();
                    for (var i = 0; i < comparisons.Count; i++)
                    {
                        var (label, encoder, callSize) = comparisons[(i + round) % comparisons.Count]; // rotate the order between rounds
                        report.Compare(label, sample.Count, await Measure.RunAsync(() => EncodeAsync(encoder, sample, callSize, cancellationToken)));
                    }
                    var alone = settings.WithoutModel ? "" : $", {raw.Seconds:0.0} s ({raw.CpuSeconds:0.0} CPU s) encoder alone";
                    AnsiConsole.MarkupLineInterpolated($"[grey]  round {round + 1}: {run.Documents} documents, {texts.Count} chunks, {run.Wall.Seconds:0.0} s ({run.Wall.CpuSeconds:0.0} CPU s) end to end{alone}[/]");
                }
                report.Steps("corpus", clock);
            }

            if (settings.PdfPages > 0)
            {
                clock.Reset();
                var built = Stopwatch.StartNew();
                var pdf = BenchPdf.Build(settings.PdfPages);
                AnsiConsole.MarkupLineInterpolated($"[grey]PDF: {settings.PdfPages} pages, {pdf.Length / 1024} KiB, generated in {built.Elapsed.TotalSeconds:0.0} s[/]");
                var kb = await CreateKnowledgeBaseAsync(host, "bench-pdf", Vertical.General, cancellationToken);
                var run = await IngestAsync(host, clock, kb, workers, [($"handbook-{settings.PdfPages}-pages.pdf", pdf)], cancellationToken);
                var texts = await EmbeddingTextsAsync(host, run.DocumentIds, cancellationToken);
                var raw = await EncoderAloneAsync(pipelineEncoder, texts, settings.WithoutModel, cancellationToken);
                report.Pdf(settings.PdfPages, run, texts.Count, raw);
                report.Steps("pdf", clock);
            }

            report.Write();
            AnsiConsole.MarkupLineInterpolated($"[grey]Load average (1, 5, 15 min) at the start: {load}; at the end: {LoadAverage()}. Other processes on the machine share the cores.[/]");
            return 0;
        }
        finally
        {
            owned.ForEach(o => o.Dispose());
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    });

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static IHost BuildHost(string data, BenchIngestSettings settings, StepClock clock)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        var overrides = new Dictionary<string, string?>
        {
            ["Storage:DataPath"] = data,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        if (settings.Runtime is not null) overrides["Embedding:Runtime"] = settings.Runtime;
        if (settings.Threads is { } threads) overrides["Embedding:Threads"] = threads.ToString(CultureInfo.InvariantCulture);
        if (settings.Workers is { } workers) overrides["Ingestion:Workers"] = workers.ToString(CultureInfo.InvariantCulture);
        if (settings.EmbedBatch is { } batch) overrides["Ingestion:EmbeddingBatchSize"] = batch.ToString(CultureInfo.InvariantCulture);
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.AddEmbeddings().AddStorage().AddIngestion(runWorkers: false);
        clock.Instrument(builder.Services, settings.WithoutModel);
        return builder.Build();
    }

    private static async Task<KnowledgeBase> CreateKnowledgeBaseAsync(IHost host, string name, Vertical vertical, CancellationToken cancellationToken)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        if (!await db.Tenants.AnyAsync(t => t.Id == "bench", cancellationToken)) db.Tenants.Add(new Tenant { Id = "bench", Name = "Benchmark" });
        var kb = KnowledgeBase.Create("bench", name, vertical, scope.ServiceProvider.GetRequiredService<EmbeddingModelCard>());
        db.KnowledgeBases.Add(kb);
        await db.SaveChangesAsync(cancellationToken);
        return kb;
    }

    /// <summary>
    /// Submits the files through the intake while the pipeline works the queue (as <c>kp ingest</c> and the server do:
    /// the first documents are processed while the last are uploaded), until every job is done.
    /// </summary>
    private static async Task<IngestRun> IngestAsync(IHost host, StepClock clock, KnowledgeBase kb, int workers,
        IReadOnlyList<(string FileName, byte[] Content)> files, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var intake = default(Measure);
        var signal = host.Services.GetRequiredService<IngestionSignal>();
        var wall = await Measure.RunAsync(async () =>
        {
            var submitting = Task.Run(async () => intake = await Measure.RunAsync(async () =>
            {
                await using var scope = host.Services.CreateAsyncScope();
                var documents = scope.ServiceProvider.GetRequiredService<DocumentIntake>();
                foreach (var (fileName, content) in files)
                {
                    await using var stream = new MemoryStream(content, writable: false);
                    ids.Add((await documents.SubmitAsync(kb, fileName, stream, cancellationToken)).Document.Id);
                }
            }), cancellationToken);
            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, workers)).Select(w => Task.Run(async () =>
            {
                while (true)
                {
                    var start = Stopwatch.GetTimestamp();
                    var allSubmitted = submitting.IsCompleted; // before the claim: no job after it then means none is left
                    await using var scope = host.Services.CreateAsyncScope();
                    var worked = await scope.ServiceProvider.GetRequiredService<IngestionRunner>().RunNextAsync($"bench-{w}", cancellationToken);
                    clock.Add(StepClock.Job, Stopwatch.GetTimestamp() - start);
                    if (worked) continue;
                    if (allSubmitted) return;
                    await signal.WaitAsync(TimeSpan.FromMilliseconds(50), cancellationToken);
                }
            }, cancellationToken)).Append(submitting));
        });
        host.Services.GetRequiredService<EmbeddedChunkIndex>().Flush();

        await using var check = host.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var done = await db.Documents.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken);
        var tokens = await db.Chunks.AsNoTracking().Where(c => ids.Contains(c.DocumentId)).SumAsync(c => (long)c.TokenCount, cancellationToken);
        var failed = done.Where(d => d.Status != DocumentStatus.Ready).ToList();
        // Rates over documents that failed would measure nothing: stop with the reason.
        if (failed.Count > 0)
            throw new CliException($"{failed.Count} of {done.Count} documents did not become ready: {failed[0].Error}");
        return new IngestRun(ids, done.Count - failed.Count, done.Sum(d => d.ChunkCount), tokens, intake, wall);
    }

    /// <summary>The exact texts the embed step gave the model: title and headings, then the chunk text.</summary>
    private static async Task<IReadOnlyList<string>> EmbeddingTextsAsync(IHost host, IReadOnlyList<string> documentIds, CancellationToken cancellationToken)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var titles = await db.Documents.AsNoTracking().Where(d => documentIds.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, d => d.Title ?? Path.GetFileNameWithoutExtension(d.FileName), cancellationToken);
        var chunks = await db.Chunks.AsNoTracking().Where(c => documentIds.Contains(c.DocumentId))
            .OrderBy(c => c.DocumentId).ThenBy(c => c.Ordinal).ToListAsync(cancellationToken);
        return chunks.Select(c => EmbedStep.EmbeddingText(titles[c.DocumentId],
            new ChunkDraft(c.Text, c.HeadingPath.Length == 0 ? [] : [c.HeadingPath], c.Page, c.Line, c.Kind, c.TokenCount))).ToList();
    }

    /// <summary>
    /// Both runtimes: one text per call, in calls of the embed step's batch size, everything in one call;
    /// and onnx-direct with runs of one text and of up to 32 (length-sorted) texts.
    /// </summary>
    private static List<(string Label, IEmbeddingGenerator<string, Embedding<float>> Encoder, int CallSize)> Comparisons(IHost host, EmbeddingOptions embedding, List<IDisposable> owned)
    {
        var batch = host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.EmbeddingBatchSize;
        var card = host.Services.GetRequiredService<EmbeddingModelCard>();
        // Encoders of their own, apart from the pipeline's (the registry owns that one and hides its runtime).
        var package = new ArcticXsEmbeddingGenerator(card, embedding.Threads);
        var direct = new OnnxEmbeddingGenerator(card, embedding.Threads, OnnxBatching.From(embedding));
        var single = new OnnxEmbeddingGenerator(card, embedding.Threads, new OnnxBatching(1, 512));
        var large = new OnnxEmbeddingGenerator(card, embedding.Threads, new OnnxBatching(32, 32 * 512));
        owned.AddRange([package, direct, single, large]);
        return
        [
            ("package, one text per call", package, 1),
            ($"package, calls of {batch} (the embed step's batch)", package, batch),
            ($"onnx-direct, calls of {batch}", direct, batch),
            ($"onnx-direct, all in one call (runs of ≤{embedding.OnnxBatchSize} texts, ≤{embedding.BatchTokens} tokens)", direct, int.MaxValue),
            ("onnx-direct, all in one call, runs of 1 text", single, int.MaxValue),
            ("onnx-direct, all in one call, runs of ≤32 texts", large, int.MaxValue),
        ];
    }

    /// <summary>The encoder alone on the texts, in one call; nothing to measure when the stand-in replaced the model.</summary>
    private static Task<Measure> EncoderAloneAsync(IEmbeddingGenerator<string, Embedding<float>> encoder, IReadOnlyList<string> texts, bool withoutModel, CancellationToken cancellationToken) =>
        withoutModel ? Task.FromResult(default(Measure)) : Measure.RunAsync(() => EncodeAsync(encoder, texts, texts.Count, cancellationToken));

    private static async Task EncodeAsync(IEmbeddingGenerator<string, Embedding<float>> encoder, IReadOnlyList<string> texts, int callSize, CancellationToken cancellationToken)
    {
        for (var i = 0; i < texts.Count; i += callSize)
            await encoder.GenerateAsync(texts.Skip(i).Take(callSize), cancellationToken: cancellationToken);
    }

    /// <summary>Wall-clock and CPU time of this process over one phase.</summary>
    private readonly record struct Measure(double Seconds, double CpuSeconds)
    {
        public static Measure operator +(Measure a, Measure b) => new(a.Seconds + b.Seconds, a.CpuSeconds + b.CpuSeconds);

        public static async Task<Measure> RunAsync(Func<Task> phase)
        {
            using var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            await phase();
            var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
            process.Refresh();
            return new Measure(wall, (process.TotalProcessorTime - cpu).TotalSeconds);
        }
    }

    /// <param name="Intake">The uploads alone, within <paramref name="Wall"/>: the pipeline works beside them.</param>
    private sealed record IngestRun(IReadOnlyList<string> DocumentIds, int Documents, int Chunks, long Tokens, Measure Intake, Measure Wall);

    /// <summary>Collects the figures and prints them as tables at the end.</summary>
    private sealed class Report(bool withoutModel)
    {
        private readonly Table _rates = new Table().AddColumns("measure", "value");
        private readonly Table _steps = new Table().AddColumns("run", "step", "seconds", "share of processing");
        private readonly Dictionary<string, (int Texts, Measure Time)> _compare = [];
        private int _documents, _chunks;
        private long _tokens;
        private Measure _intake, _wall, _raw;

        public void CorpusRound(IngestRun run, int texts, Measure raw)
        {
            if (texts != run.Chunks) throw new InvalidOperationException($"{texts} texts for {run.Chunks} chunks.");
            (_documents, _chunks, _tokens) = (_documents + run.Documents, _chunks + run.Chunks, _tokens + run.Tokens);
            (_intake, _wall, _raw) = (_intake + run.Intake, _wall + run.Wall, _raw + raw);
        }

        public void Pdf(int pages, IngestRun run, int texts, Measure raw)
        {
            Row($"{pages}-page PDF ready after", $"{run.Wall.Seconds:0.0} s ({run.Chunks} chunks, {run.Tokens} tokens; {run.Chunks / run.Wall.Seconds:0.00} chunks/s; {run.Wall.CpuSeconds:0.0} CPU s)", bold: true);
            if (withoutModel) return;
            Row("encoder alone, PDF chunks", $"{raw.Seconds:0.0} s: {texts / raw.Seconds:0.00} chunks/s; {raw.CpuSeconds:0.0} CPU s");
            Row("PDF end to end / encoder alone", $"{raw.Seconds / run.Wall.Seconds:P0} (CPU time: {raw.CpuSeconds / run.Wall.CpuSeconds:P0})");
        }

        public void Compare(string label, int texts, Measure time)
        {
            var (n, total) = _compare.GetValueOrDefault(label);
            _compare[label] = (n + texts, total + time);
        }

        public void Steps(string run, StepClock clock)
        {
            // Worker-seconds: with several workers they add up to more than the wall-clock time.
            var job = clock[StepClock.Job].TotalSeconds;
            var steps = clock.Names.Where(n => n is not (StepClock.Model or StepClock.Job)).ToList();
            foreach (var step in steps.Append(StepClock.Model))
                _steps.AddRow(run, Markup.Escape(step), $"{clock[step].TotalSeconds:0.00}", $"{clock[step].TotalSeconds / job:P1}");
            var runner = job - steps.Sum(s => clock[s].TotalSeconds);
            _steps.AddRow(run, "runner: claim, progress, status", $"{runner:0.00}", $"{runner / job:P1}");
        }

        public void Write()
        {
            if (_chunks > 0)
            {
                _rates.InsertRow(0, ["corpus documents ready", $"{_documents} ({_chunks} chunks, {_tokens} tokens)"]);
                _rates.InsertRow(1, ["corpus intake (beside the processing)", $"{_intake.Seconds:0.0} s ({_intake.CpuSeconds:0.0} CPU s, the whole process's)"]);
                _rates.InsertRow(2, ["corpus end to end", $"{_wall.Seconds:0.0} s: {_documents / _wall.Seconds:0.00} documents/s, {_chunks / _wall.Seconds:0.00} chunks/s; {_wall.CpuSeconds:0.0} CPU s"]);
                if (withoutModel)
                {
                    _rates.InsertRow(3, ["[bold]pipeline CPU, no model[/]", $"[bold]{_wall.CpuSeconds * 1000 / _documents:0.0} ms per document[/], {_wall.CpuSeconds * 1000 / _chunks:0.0} ms per chunk"]);
                }
                else
                {
                    _rates.InsertRow(3, ["encoder alone, same chunks", $"{_raw.Seconds:0.0} s: {_chunks / _raw.Seconds:0.00} chunks/s; {_raw.CpuSeconds:0.0} CPU s"]);
                    _rates.InsertRow(4, ["[bold]corpus end to end / encoder alone[/]", $"[bold]{_raw.Seconds / _wall.Seconds:P0}[/] (CPU time: {_raw.CpuSeconds / _wall.CpuSeconds:P0})"]);
                }
            }
            AnsiConsole.Write(_rates);
            AnsiConsole.Write(_steps);
            if (_compare.Count == 0) return;
            var table = new Table().AddColumns("encoder on a sample of the corpus chunks", "chunks", "seconds", "chunks/s", "vs first row", "CPU s/chunk");
            var baseline = 0.0;
            foreach (var (label, (texts, time)) in _compare)
            {
                var rate = texts / time.Seconds;
                if (baseline == 0) baseline = rate;
                table.AddRow(Markup.Escape(label), $"{texts}", $"{time.Seconds:0.0}", $"{rate:0.00}", $"{rate / baseline:0.00}×", $"{time.CpuSeconds / texts:0.000}");
            }
            AnsiConsole.Write(table);
        }

        private void Row(string measure, string value, bool bold = false) => _rates.AddRow(
            bold ? $"[bold]{Markup.Escape(measure)}[/]" : Markup.Escape(measure),
            bold ? $"[bold]{Markup.Escape(value)}[/]" : Markup.Escape(value));
    }
}
