using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
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
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Bench;

public sealed class BenchIngestSettings : CommandSettings
{
    [CommandOption("--corpus <DIR>")]
    [Description("A BEIR folder whose corpus.jsonl documents are ingested one file each. Default: shared/bench/pubmedqa above the current folder, if present.")]
    public string? Corpus { get; init; }

    [CommandOption("--pdf-pages <N>")]
    [Description("Pages of the generated PDF ingested after the corpus (0: none). Default: 300")]
    public int PdfPages { get; init; } = 300;

    [CommandOption("--limit <N>")]
    [Description("Ingest only the first N corpus documents (0: all).")]
    public int Limit { get; init; }

    [CommandOption("--workers <N>")]
    [Description("Jobs processed at once. Default: Ingestion:Workers")]
    public int? Workers { get; init; }

    [CommandOption("--runtime <RUNTIME>")]
    [Description("Embedding runtime of the pipeline: onnx-direct or package. Default: Embedding:Runtime")]
    public string? Runtime { get; init; }

    [CommandOption("--threads <N>")]
    [Description("ONNX Runtime intra-op threads (0: one per core). Default: Embedding:Threads")]
    public int? Threads { get; init; }

    [CommandOption("--no-compare")]
    [Description("Skip measuring the other runtime and call sizes on the corpus chunks.")]
    public bool NoCompare { get; init; }
}

/// <summary>
/// <c>kp bench ingest</c>: ingests a corpus and a long PDF through the real intake and pipeline in a throwaway
/// data folder, then runs the encoder alone on the same chunk texts, and prints the rates and their ratio.
/// </summary>
public sealed class BenchIngestCommand : AsyncCommand<BenchIngestSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, BenchIngestSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        var corpusFolder = settings.Corpus ?? BenchCorpus.FindDefault();
        var corpus = corpusFolder is null ? [] : await BenchCorpus.LoadAsync(corpusFolder, settings.Limit, cancellationToken);
        if (corpus.Count == 0 && settings.PdfPages <= 0) throw new CliException("Nothing to ingest: no corpus found (--corpus) and --pdf-pages 0.");

        var data = Path.Combine(Path.GetTempPath(), $"kp-bench-{Guid.NewGuid():N}");
        var clock = new StepClock();
        using var host = BuildHost(data, settings, clock);
        try
        {
            await host.StartAsync(cancellationToken);
            var embedding = host.Services.GetRequiredService<IOptions<EmbeddingOptions>>().Value;
            var workers = host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.Workers;
            AnsiConsole.MarkupLineInterpolated($"[grey]kp bench ingest · runtime {embedding.Runtime} · threads {(embedding.Threads == 0 ? Environment.ProcessorCount : embedding.Threads)} · workers {workers} · {Environment.ProcessorCount} cores · data {data}[/]");

            var report = new Report();
            if (corpus.Count > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]Corpus: {corpus.Count} documents from {corpusFolder}[/]");
                var run = await IngestAsync(host, clock, workers, "bench-corpus", Vertical.Medical,
                    corpus.Select(d => ($"{d.Id}.txt", Encoding.UTF8.GetBytes(d.FileText))).ToList(), cancellationToken);
                var texts = await EmbeddingTextsAsync(host, run.KnowledgeBaseId, cancellationToken);
                var raw = await TimeAsync(Configured(host, embedding.Runtime), texts, texts.Count, cancellationToken);
                report.Corpus(run, texts.Count, raw, clock);
                if (!settings.NoCompare) await CompareAsync(host, embedding, texts, report, cancellationToken);
            }

            if (settings.PdfPages > 0)
            {
                clock.Reset();
                var built = Stopwatch.StartNew();
                var pdf = BenchPdf.Build(settings.PdfPages);
                AnsiConsole.MarkupLineInterpolated($"[grey]PDF: {settings.PdfPages} pages, {pdf.Length / 1024} KiB, generated in {built.Elapsed.TotalSeconds:0.0} s[/]");
                var run = await IngestAsync(host, clock, workers, "bench-pdf", Vertical.General, [($"handbook-{settings.PdfPages}-pages.pdf", pdf)], cancellationToken);
                var texts = await EmbeddingTextsAsync(host, run.KnowledgeBaseId, cancellationToken);
                var raw = await TimeAsync(Configured(host, embedding.Runtime), texts, texts.Count, cancellationToken);
                report.Pdf(settings.PdfPages, run, texts.Count, raw, clock);
            }

            report.Write();
            return 0;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    });

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
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.AddEmbeddings().AddStorage().AddIngestion(runWorkers: false);
        clock.Instrument(builder.Services);
        return builder.Build();
    }

    /// <summary>Submits the files through the intake, then works the queue with the pipeline until every job is done.</summary>
    private static async Task<IngestRun> IngestAsync(IHost host, StepClock clock, int workers, string name, Vertical vertical,
        IReadOnlyList<(string FileName, byte[] Content)> files, CancellationToken cancellationToken)
    {
        KnowledgeBase kb;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
            if (!await db.Tenants.AnyAsync(t => t.Id == "bench", cancellationToken)) db.Tenants.Add(new Tenant { Id = "bench", Name = "Benchmark" });
            kb = KnowledgeBase.Create("bench", name, vertical, scope.ServiceProvider.GetRequiredService<EmbeddingModelCard>());
            db.KnowledgeBases.Add(kb);
            await db.SaveChangesAsync(cancellationToken);
        }

        var start = Stopwatch.GetTimestamp();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var intake = scope.ServiceProvider.GetRequiredService<DocumentIntake>();
            foreach (var (fileName, content) in files)
            {
                await using var stream = new MemoryStream(content, writable: false);
                await intake.SubmitAsync(kb, fileName, stream, cancellationToken);
            }
        }
        var intakeDone = Stopwatch.GetTimestamp();

        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, workers)).Select(w => Task.Run(async () =>
        {
            while (true)
            {
                await using var scope = host.Services.CreateAsyncScope();
                if (!await scope.ServiceProvider.GetRequiredService<IngestionRunner>().RunNextAsync($"bench-{w}", cancellationToken)) return;
            }
        }, cancellationToken)));
        var end = Stopwatch.GetTimestamp();
        host.Services.GetRequiredService<EmbeddedChunkIndex>().Flush();

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var documents = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Documents.AsNoTracking()
                .Where(d => d.KnowledgeBaseId == kb.Id).ToListAsync(cancellationToken);
            var tokens = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Chunks.AsNoTracking()
                .Where(c => c.KnowledgeBaseId == kb.Id).SumAsync(c => (long)c.TokenCount, cancellationToken);
            var notReady = documents.Count(d => d.Status != DocumentStatus.Ready);
            if (notReady > 0)
                AnsiConsole.MarkupLineInterpolated($"[yellow]{notReady} of {documents.Count} documents did not become ready: {documents.FirstOrDefault(d => d.Error is not null)?.Error}[/]");
            return new IngestRun(kb.Id, documents.Count(d => d.Status == DocumentStatus.Ready), documents.Sum(d => d.ChunkCount), tokens,
                Stopwatch.GetElapsedTime(start, intakeDone), Stopwatch.GetElapsedTime(intakeDone, end), workers);
        }
    }

    /// <summary>The exact texts the embed step gave the model: title and headings, then the chunk text.</summary>
    private static async Task<IReadOnlyList<string>> EmbeddingTextsAsync(IHost host, string knowledgeBaseId, CancellationToken cancellationToken)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var titles = await db.Documents.AsNoTracking().Where(d => d.KnowledgeBaseId == knowledgeBaseId)
            .ToDictionaryAsync(d => d.Id, d => d.Title ?? Path.GetFileNameWithoutExtension(d.FileName), cancellationToken);
        var chunks = await db.Chunks.AsNoTracking().Where(c => c.KnowledgeBaseId == knowledgeBaseId)
            .OrderBy(c => c.DocumentId).ThenBy(c => c.Ordinal).ToListAsync(cancellationToken);
        return chunks.Select(c => EmbedStep.EmbeddingText(titles[c.DocumentId],
            new ChunkDraft(c.Text, c.HeadingPath.Length == 0 ? [] : [c.HeadingPath], c.Page, c.Line, c.Kind, c.TokenCount))).ToList();
    }

    private static IEmbeddingGenerator<string, Embedding<float>> Configured(IHost host, string runtime) => runtime == "package"
        ? host.Services.GetRequiredService<ArcticXsEmbeddingGenerator>()
        : host.Services.GetRequiredService<OnnxEmbeddingGenerator>();

    /// <summary>Both runtimes on the same chunks: per text, in calls of 8 (the embed step's batch) and all at once.</summary>
    private static async Task CompareAsync(IHost host, EmbeddingOptions embedding, IReadOnlyList<string> texts, Report report, CancellationToken cancellationToken)
    {
        var package = host.Services.GetRequiredService<ArcticXsEmbeddingGenerator>();
        var direct = host.Services.GetRequiredService<OnnxEmbeddingGenerator>();
        await package.GenerateAsync(texts.Take(4), cancellationToken: cancellationToken); // load and warm up
        await direct.GenerateAsync(texts.Take(4), cancellationToken: cancellationToken);
        var batch = host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.EmbeddingBatchSize;
        report.Compare("package, one text per call", await TimeAsync(package, texts, 1, cancellationToken), texts.Count);
        report.Compare($"package, calls of {batch}", await TimeAsync(package, texts, batch, cancellationToken), texts.Count);
        report.Compare($"onnx-direct, calls of {batch}", await TimeAsync(direct, texts, batch, cancellationToken), texts.Count);
        report.Compare($"onnx-direct, one call (batches ≤{embedding.BatchSize} texts / {embedding.BatchTokens} tokens)",
            await TimeAsync(direct, texts, texts.Count, cancellationToken), texts.Count);
    }

    private static async Task<TimeSpan> TimeAsync(IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts, int callSize, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < texts.Count; i += callSize)
            await generator.GenerateAsync(texts.Skip(i).Take(callSize), cancellationToken: cancellationToken);
        return Stopwatch.GetElapsedTime(start);
    }

    internal sealed record IngestRun(string KnowledgeBaseId, int Documents, int Chunks, long Tokens, TimeSpan Intake, TimeSpan Processing, int Workers)
    {
        public TimeSpan EndToEnd => Intake + Processing;
    }

    /// <summary>Collects the figures and prints them as tables at the end.</summary>
    private sealed class Report
    {
        private readonly Table _rates = new Table().AddColumns("measure", "value");
        private readonly Table _steps = new Table().AddColumns("run", "step", "seconds", "share of processing");
        private readonly Table _compare = new Table().AddColumns("encoder on the corpus chunks", "seconds", "chunks/s", "vs package per text");
        private double? _baseline;

        public void Corpus(IngestRun run, int texts, TimeSpan raw, StepClock clock)
        {
            var e2e = run.Chunks / run.EndToEnd.TotalSeconds;
            var rawRate = texts / raw.TotalSeconds;
            Row("corpus documents ready", $"{run.Documents} ({run.Chunks} chunks, {run.Tokens} tokens)");
            Row("corpus intake", $"{run.Intake.TotalSeconds:0.0} s");
            Row("corpus processing", $"{run.Processing.TotalSeconds:0.0} s");
            Row("corpus end to end", $"{run.EndToEnd.TotalSeconds:0.0} s: {run.Documents / run.EndToEnd.TotalSeconds:0.00} documents/s, {e2e:0.00} chunks/s");
            Row("encoder alone, same chunks", $"{raw.TotalSeconds:0.0} s: {rawRate:0.00} chunks/s");
            Row("end to end / encoder alone", $"{e2e / rawRate:P0}", bold: true);
            Steps("corpus", run, clock);
        }

        public void Pdf(int pages, IngestRun run, int texts, TimeSpan raw, StepClock clock)
        {
            var e2e = run.Chunks / run.EndToEnd.TotalSeconds;
            var rawRate = texts / raw.TotalSeconds;
            Row($"{pages}-page PDF ready after", $"{run.EndToEnd.TotalSeconds:0.0} s ({run.Chunks} chunks, {run.Tokens} tokens; {e2e:0.00} chunks/s)", bold: true);
            Row("encoder alone, PDF chunks", $"{raw.TotalSeconds:0.0} s: {rawRate:0.00} chunks/s");
            Row("PDF end to end / encoder alone", $"{e2e / rawRate:P0}");
            Steps("pdf", run, clock);
        }

        public void Compare(string label, TimeSpan elapsed, int texts)
        {
            var rate = texts / elapsed.TotalSeconds;
            _baseline ??= rate;
            _compare.AddRow(Markup.Escape(label), $"{elapsed.TotalSeconds:0.0}", $"{rate:0.00}", $"{rate / _baseline.Value:0.00}×");
        }

        public void Write()
        {
            AnsiConsole.Write(_rates);
            AnsiConsole.Write(_steps);
            if (_baseline is not null) AnsiConsole.Write(_compare);
        }

        private void Row(string measure, string value, bool bold = false) => _rates.AddRow(
            bold ? $"[bold]{Markup.Escape(measure)}[/]" : Markup.Escape(measure),
            bold ? $"[bold]{Markup.Escape(value)}[/]" : Markup.Escape(value));

        private void Steps(string name, IngestRun run, StepClock clock)
        {
            // Worker-seconds: with several workers the steps add up to more than the wall-clock time.
            var total = run.Processing.TotalSeconds * run.Workers;
            var steps = 0.0;
            foreach (var step in clock.Names)
            {
                var seconds = clock[step].TotalSeconds;
                if (step != StepClock.Model) steps += seconds;
                _steps.AddRow(name, Markup.Escape(step), $"{seconds:0.00}", $"{seconds / total:P1}");
            }
            _steps.AddRow(name, "runner (claim, progress, status)", $"{total - steps:0.00}", $"{(total - steps) / total:P1}");
        }
    }
}
