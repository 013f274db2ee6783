using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using KnowledgePlatform.Bench.ModelFiles;
using KnowledgePlatform.Cli;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Infrastructure.Models;
using KnowledgePlatform.ModelHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.Load;

public sealed class BenchLoadSettings : CommandSettings
{
    [CommandOption("-u|--url <URL>")]
    [Description("A running server to load (with the demo tenants). Default: start KnowledgePlatform.Server with the samples in a temp folder.")]
    public string? Url { get; init; }

    [CommandOption("--server <DLL>")]
    [Description("KnowledgePlatform.Server.dll to start. Default: the build next to this kp-bench, found from the repository root.")]
    public string? Server { get; init; }

    [CommandOption("--samples <DIR>")]
    [Description("The samples folder (medical/, customer-service/, questions.md). Default: samples/ above the current folder.")]
    public string? Samples { get; init; }

    [CommandOption("--clients <LIST>")]
    [Description("Concurrent clients per step. Default: 1,8,32,128")]
    public string Clients { get; init; } = "1,8,32,128";

    [CommandOption("--requests <N>")]
    [Description("At most N searches per step. Default: 1000")]
    public int Requests { get; init; } = 1000;

    [CommandOption("--ask-requests <N>")]
    [Description("At most N asks per step (extractive and model). Default: 300")]
    public int AskRequests { get; init; } = 300;

    [CommandOption("--step-seconds <S>")]
    [Description("At most S seconds per step. Default: 30")]
    public int StepSeconds { get; init; } = 30;

    [CommandOption("--no-model")]
    [Description("Skip the asks through the model host with the generated tiny MoE model.")]
    public bool NoModel { get; init; }

    [CommandOption("--model-tokens <N>")]
    [Description("Tokens the model generates per answer (Chat:MaxTokens). Default: 24")]
    public int ModelTokens { get; init; } = 24;

    [CommandOption("--model-sequences <N>")]
    [Description("Sequences the model host runs at once. Default: 4")]
    public int ModelSequences { get; init; } = 4;

    [CommandOption("--visitors <N>")]
    [Description("Simulated widget visitors in the mixed run (0: no mixed run). Default: 100")]
    public int Visitors { get; init; } = 100;

    [CommandOption("--duration <S>")]
    [Description("Seconds of the mixed run. Default: 300")]
    public int Duration { get; init; } = 300;

    [CommandOption("--documents <N>")]
    [Description("Documents the curator ingests during the mixed run. Default: 200")]
    public int Documents { get; init; } = 200;

    [CommandOption("--think-ms <MS>")]
    [Description("A visitor's pause between two questions. Default: 1000")]
    public int ThinkMs { get; init; } = 1000;

    [CommandOption("--markdown <FILE>")]
    [Description("Also write the figures as Markdown tables to FILE (for docs/benchmarks).")]
    public string? Markdown { get; init; }

    [CommandOption("--baseline-queries <N>")]
    [Description("Bare index queries timed for the baseline. Default: 300")]
    public int BaselineQueries { get; init; } = 300;

    public IReadOnlyList<int> ClientSteps => Clients.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();

    public override ValidationResult Validate()
    {
        if (Clients.Split(',', StringSplitOptions.RemoveEmptyEntries).Any(c => !int.TryParse(c.Trim(), out var n) || n < 1 || n > 4096))
            return ValidationResult.Error("--clients is a comma-separated list of numbers from 1 to 4096.");
        return Requests < 1 || AskRequests < 1 || StepSeconds < 1 || Duration < 1 || ModelTokens < 1 || ModelSequences < 1
            ? ValidationResult.Error("--requests, --ask-requests, --step-seconds, --duration, --model-tokens and --model-sequences must be at least 1.")
            : Visitors < 0 || Documents < 0 || ThinkMs < 0 || BaselineQueries < 0 ? ValidationResult.Error("--visitors, --documents, --think-ms and --baseline-queries cannot be negative.")
            : ValidationResult.Success();
    }
}

/// <summary>
/// <c>kp-bench load</c>: search and streamed ask at rising concurrency, asks through the model host with the
/// generated tiny MoE model, and a mixed run of widget visitors with a curator ingesting at the same time,
/// against a real server process; prints throughput, latency percentiles, errors, the server's memory over
/// time, and search latency as a ratio of the bare index query measured in the same run.
/// </summary>
public sealed class BenchLoadCommand : AsyncCommand<BenchLoadSettings>
{
    private const string ClinicKey = "kp_demo_clinic_key";
    private const string SupportKey = "kp_demo_support_key";

    private static readonly Dictionary<string, string> LoadSettings = new()
    {
        // The bench measures capacity; the per-key limits and the daily token quotas would turn most of it into 429s.
        ["Security:RateLimits:KeyRequestsPerMinute"] = "100000000",
        ["Security:RateLimits:TenantRequestsPerMinute"] = "100000000",
        ["Security:Quotas:TokensPerDay"] = "100000000000",
        ["Security:Quotas:KeyTokensPerDay"] = "100000000000",
    };

    public override Task<int> ExecuteAsync(CommandContext context, BenchLoadSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 180;
        var samples = settings.Samples ?? LoadServer.FindSamples();
        var (medical, support) = LoadQuestions.Read(samples);
        var data = settings.Url is null ? Directory.CreateTempSubdirectory("kp-bench-load-").FullName : null;
        var steps = new List<LoadStep>();
        var memory = new List<(string Phase, IReadOnlyList<(TimeSpan At, long Bytes)> Samples)>();
        try
        {
            var clock = Stopwatch.StartNew();
            var server = settings.Url is { } url
                ? LoadServer.Existing(new Uri(url.TrimEnd('/') + "/"))
                : await StartServerAsync(settings, data!, samples, LoadSettings, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"Server ready at {server.Address} after {clock.Elapsed.TotalSeconds:0} s (samples ingested).");
            await using (server)
            await using (var sampler = new MemorySampler(() => server.WorkingSet, TimeSpan.FromSeconds(1)))
            {
                using var client = new LoadClient(server.Address);
                var phaseStart = sampler.Now;
                foreach (var clients in settings.ClientSteps)
                {
                    steps.Add(await LoadDriver.RunAsync("search", clients, settings.Requests, TimeSpan.FromSeconds(settings.StepSeconds),
                        (n, ct) => n % 2 == 0
                            ? client.SearchAsync(ClinicKey, "medical", medical[n / 2 % medical.Count], ct)
                            : client.SearchAsync(SupportKey, "customer-service", support[n / 2 % support.Count], ct), cancellationToken));
                    Report(steps[^1]);
                }
                memory.Add(("search", sampler.Between(phaseStart, sampler.Now)));

                phaseStart = sampler.Now;
                steps.AddRange(await AskStepsAsync("ask (extractive, SSE)", client, settings, medical, support, cancellationToken));
                memory.Add(("ask", sampler.Between(phaseStart, sampler.Now)));

                if (settings.Visitors > 0)
                {
                    phaseStart = sampler.Now;
                    var mixed = await MixedAsync(client, settings, support, cancellationToken);
                    steps.AddRange(mixed);
                    memory.Add(("mixed", sampler.Between(phaseStart, sampler.Now)));
                }
            }

            Baseline? baseline = null;
            if (data is not null && settings.BaselineQueries > 0)
                baseline = await BaselineAsync(data, medical.Concat(support).ToList(), settings.BaselineQueries, cancellationToken);

            if (!settings.NoModel && data is not null)
                steps.AddRange(await ModelAsync(settings, data, samples, medical, support, memory, cancellationToken));
            else if (!settings.NoModel)
                AnsiConsole.MarkupLine("[yellow]With --url the model phase is skipped: start the server with a Chat provider and the ask phase measures it.[/]");

            PrintSummary(steps, memory, baseline, settings, clock.Elapsed);
            if (settings.Markdown is { } markdown) await File.WriteAllTextAsync(markdown, Markdown(steps, memory, baseline, settings, clock.Elapsed), cancellationToken);
            return steps.Sum(s => s.Errors) == 0 ? 0 : 2;
        }
        finally
        {
            if (data is not null) TryDelete(data);
        }
    });

    private static Task<LoadServer> StartServerAsync(BenchLoadSettings settings, string data, string samples, IReadOnlyDictionary<string, string> extra, CancellationToken ct) =>
        LoadServer.StartAsync(settings.Server ?? LoadServer.FindServerDll(), data, samples, extra, TimeSpan.FromMinutes(15), ct);

    private static void Report(LoadStep step) =>
        AnsiConsole.MarkupLineInterpolated($"  {step.Name,-24} {step.Clients,4} clients: {step.Count,5} requests, {step.PerSecond,7:0.0}/s, p50 {Percentiles.Ms(step.Total.P50)} ms, p95 {Percentiles.Ms(step.Total.P95)} ms, errors {step.Errors}");

    /// <summary>Streamed asks at each concurrency step, alternating the medical and the customer-service knowledge base.</summary>
    private static async Task<IReadOnlyList<LoadStep>> AskStepsAsync(string name, LoadClient client, BenchLoadSettings settings,
        IReadOnlyList<string> medical, IReadOnlyList<string> support, CancellationToken ct)
    {
        var steps = new List<LoadStep>();
        foreach (var clients in settings.ClientSteps)
        {
            steps.Add(await LoadDriver.RunAsync(name, clients, settings.AskRequests, TimeSpan.FromSeconds(settings.StepSeconds),
                (n, token) => n % 2 == 0
                    ? client.AskAsync(ClinicKey, "medical", medical[n / 2 % medical.Count], null, token)
                    : client.AskAsync(SupportKey, "customer-service", support[n / 2 % support.Count], null, token), ct));
            Report(steps[^1]);
        }
        return steps;
    }

    /// <summary>
    /// Visitors ask a support question and a follow-up in the same conversation, pausing between questions
    /// (there is no feedback endpoint yet), while a curator uploads documents and waits for them to be ready.
    /// </summary>
    private static async Task<IReadOnlyList<LoadStep>> MixedAsync(LoadClient client, BenchLoadSettings settings, IReadOnlyList<string> questions, CancellationToken ct)
    {
        var asks = new System.Collections.Concurrent.ConcurrentQueue<LoadOutcome>();
        var followUps = new System.Collections.Concurrent.ConcurrentQueue<LoadOutcome>();
        var uploads = new System.Collections.Concurrent.ConcurrentQueue<LoadOutcome>();
        var duration = TimeSpan.FromSeconds(settings.Duration);
        AnsiConsole.MarkupLineInterpolated($"  mixed: {settings.Visitors} visitors and one curator ingesting {settings.Documents} documents for {duration.TotalSeconds:0} s ...");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        var clock = Stopwatch.StartNew();

        async Task Visitor(int id)
        {
            var random = new Random(id);
            await Pause(random.Next(settings.ThinkMs + 1));
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var first = await client.AskAsync(SupportKey, "customer-service", questions[random.Next(questions.Count)], null, stop.Token);
                    asks.Enqueue(first);
                    await Pause(settings.ThinkMs);
                    if (first.ConversationId is { } conversation && !stop.IsCancellationRequested)
                    {
                        followUps.Enqueue(await client.AskAsync(SupportKey, "customer-service", "And how long does that take?", conversation, stop.Token));
                        await Pause(settings.ThinkMs);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }

        async Task Pause(int ms)
        {
            try { await Task.Delay(ms, stop.Token); } catch (OperationCanceledException) { }
        }

        var ready = 0;
        var failed = 0;
        TimeSpan? allReady = null;
        async Task Curator()
        {
            var pending = new List<string>();
            try
            {
                for (var i = 0; i < settings.Documents && !stop.IsCancellationRequested; i++)
                {
                    var (outcome, statusUrl) = await client.UploadAsync(SupportKey, "customer-service", $"bench-note-{i:000}.md", BenchDocument(i), stop.Token);
                    uploads.Enqueue(outcome);
                    if (statusUrl is not null) pending.Add(statusUrl);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            while (pending.Count > 0 && !stop.IsCancellationRequested)
            {
                await Pause(1000);
                foreach (var url in pending.ToList())
                {
                    try
                    {
                        var status = await client.DocumentStatusAsync(SupportKey, url, stop.Token);
                        if (status is "ready" or "failed")
                        {
                            pending.Remove(url);
                            if (status == "ready") ready++; else failed++;
                        }
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }
            if (pending.Count == 0) allReady = clock.Elapsed;
        }

        await Task.WhenAll(Enumerable.Range(0, settings.Visitors).Select(i => Task.Run(() => Visitor(i), CancellationToken.None)).Append(Curator()));
        ct.ThrowIfCancellationRequested();
        AnsiConsole.MarkupLineInterpolated($"  curator: {uploads.Count(u => u.Ok)} uploads accepted, {ready} ready, {failed} failed, all ready after {(allReady is { } t ? $"{t.TotalSeconds:0} s" : "- (not within the run)")}");
        IReadOnlyList<LoadStep> result =
        [
            new("mixed: visitor ask", settings.Visitors, clock.Elapsed, asks.ToList()),
            new("mixed: follow-up", settings.Visitors, clock.Elapsed, followUps.ToList()),
            new($"mixed: curator upload ({ready} of {settings.Documents} ready{(allReady is { } all ? $" after {all.TotalSeconds:0} s" : " within the run")})", 1, clock.Elapsed, uploads.ToList()),
        ];
        foreach (var step in result) Report(step);
        return result;
    }

    /// <summary>A support note of a few paragraphs, different for each number.</summary>
    private static byte[] BenchDocument(int i)
    {
        var text = new StringBuilder($"# Service note {i}: Northwind Hub model H{i}\n\n");
        for (var p = 0; p < 4; p++)
        {
            text.Append(CultureInfo.InvariantCulture, $"## Section {p + 1}\n\nThe Northwind Hub H{i} keeps setting {p} for {i % 7 + 2} days. ")
                .Append(CultureInfo.InvariantCulture, $"If the status light blinks {p + 2} times, restart the hub and wait {i % 5 + 1} minutes before pairing again. ")
                .Append("Customers who still see the problem can contact support with the serial number from the base of the hub.\n\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private sealed record Baseline(Percentiles Dense, Percentiles Keyword, Percentiles Embedding);

    /// <summary>
    /// With the server stopped, opens the same stores in this process and times the bare index queries (dense
    /// top-N on a precomputed query vector, BM25) and the query embedding alone, for the same questions.
    /// </summary>
    private static async Task<Baseline> BaselineAsync(string data, IReadOnlyList<string> questions, int count, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([
            new("Storage:DataPath", data),
            new("Logging:LogLevel:Default", "Warning"),
        ]);
        builder.AddEmbeddings().AddStorage();
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var index = host.Services.GetRequiredService<IChunkIndex>();
            var model = host.Services.GetRequiredService<EmbeddingModelRegistry>().Default;
            var candidates = host.Services.GetRequiredService<IConfiguration>().GetValue("Retrieval:Candidates", 40);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
            var kbs = await db.KnowledgeBases.Where(k => k.Name == "medical" || k.Name == "customer-service").Select(k => new { k.TenantId, k.Id }).ToListAsync(ct);
            if (kbs.Count == 0) throw new CliException("The demo knowledge bases were not found in the bench's data folder.");

            var vectors = new List<(ChunkFilter Filter, string Query, ReadOnlyMemory<float> Vector)>();
            var embedding = new List<double>();
            for (var i = 0; i < Math.Min(count, questions.Count * 4); i++)
            {
                var kb = kbs[i % kbs.Count];
                var query = questions[i % questions.Count];
                var start = Stopwatch.GetTimestamp();
                var vector = await model.Generator.GenerateVectorAsync(model.Card.QueryPrefix + query, cancellationToken: ct);
                embedding.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                vectors.Add((new ChunkFilter(kb.TenantId, [kb.Id]), query, vector));
            }
            var dense = new List<double>();
            var keyword = new List<double>();
            for (var i = 0; i < count; i++)
            {
                var (filter, query, vector) = vectors[i % vectors.Count];
                var start = Stopwatch.GetTimestamp();
                await index.SearchDenseAsync(filter, vector, candidates, ct);
                dense.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                start = Stopwatch.GetTimestamp();
                await index.SearchKeywordAsync(filter, query, candidates, ct);
                keyword.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            var baseline = new Baseline(Percentiles.Of(dense), Percentiles.Of(keyword), Percentiles.Of(embedding));
            AnsiConsole.MarkupLineInterpolated($"  baseline: bare dense query p50 {Percentiles.Ms(baseline.Dense.P50)} ms, BM25 p50 {Percentiles.Ms(baseline.Keyword.P50)} ms, query embedding p50 {Percentiles.Ms(baseline.Embedding.P50)} ms");
            return baseline;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Restarts the server on the same data with the model host (tiny MoE, generated) as its chat model and asks through it.</summary>
    private static async Task<IReadOnlyList<LoadStep>> ModelAsync(BenchLoadSettings settings, string data, string samples,
        IReadOnlyList<string> medical, IReadOnlyList<string> support, List<(string, IReadOnlyList<(TimeSpan, long)>)> memory, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("kp-bench-model-").FullName;
        var path = Path.Combine(folder, "tiny-moe.gguf");
        // Its tokenizer has no merges (one token per byte): a prompt with six evidence passages is ~10k tokens.
        TinyMoeModel.Write(path, new TinyMoeModel.Options { ContextLength = 32768 });
        var modelHost = ModelHostApp.Create([], new Dictionary<string, string?>
        {
            ["ModelHost:ModelPath"] = path,
            ["ModelHost:Sequences"] = settings.ModelSequences.ToString(CultureInfo.InvariantCulture),
            ["ModelHost:QueueLimit"] = "4096",
            ["ModelHost:Threads"] = "1",
            ["ModelHost:ContextSize"] = "32768",
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var steps = new List<LoadStep>();
        try
        {
            await modelHost.StartAsync(ct);
            var chat = new Dictionary<string, string>(LoadSettings)
            {
                ["Chat:Provider"] = "openai-compatible",
                ["Chat:BaseUrl"] = new Uri(modelHost.Address(), "/v1/").ToString(),
                ["Chat:Model"] = "tiny-moe",
                ["Chat:MaxTokens"] = settings.ModelTokens.ToString(CultureInfo.InvariantCulture),
            };
            AnsiConsole.MarkupLine("  model: restarting the server with the model host (generated tiny random MoE: mechanics, not a real model) ...");
            await using var server = await StartServerAsync(settings, data, samples, chat, ct);
            await using var sampler = new MemorySampler(() => server.WorkingSet, TimeSpan.FromSeconds(1));
            using var client = new LoadClient(server.Address);
            steps.AddRange(await AskStepsAsync("ask (tiny MoE, SSE)", client, settings, medical, support, ct));
            memory.Add(("ask (model)", sampler.Between(TimeSpan.Zero, sampler.Now)));
        }
        finally
        {
            await modelHost.StopAsync(CancellationToken.None);
            await modelHost.DisposeAsync();
            TryDelete(folder);
        }
        return steps;
    }

    private static void PrintSummary(List<LoadStep> steps, List<(string Phase, IReadOnlyList<(TimeSpan At, long Bytes)> Samples)> memory, Baseline? baseline, BenchLoadSettings settings, TimeSpan elapsed)
    {
        AnsiConsole.WriteLine();
        var table = new Table().Title($"kp-bench load ({Environment.ProcessorCount} cores, {elapsed.TotalMinutes:0.0} min)")
            .AddColumns("step", "clients", "ok", "req/s", "p50 ms", "p95 ms", "p99 ms", "first event p50/p95 ms", "errors (non-429)", "429");
        foreach (var s in steps)
        {
            table.AddRow(s.Name, s.Clients.ToString(CultureInfo.InvariantCulture), s.Total.Count.ToString(CultureInfo.InvariantCulture),
                s.PerSecond.ToString("0.0", CultureInfo.InvariantCulture), Percentiles.Ms(s.Total.P50), Percentiles.Ms(s.Total.P95), Percentiles.Ms(s.Total.P99),
                s.FirstEvent.Count == 0 ? "-" : $"{Percentiles.Ms(s.FirstEvent.P50)} / {Percentiles.Ms(s.FirstEvent.P95)}",
                s.Errors == 0 ? "0" : $"{s.Errors} ({s.ErrorKinds})", s.Throttled.ToString(CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);

        if (baseline is not null && steps.FirstOrDefault(s => s.Name == "search") is { } single)
        {
            var bare = baseline.Dense.P50;
            var core = baseline.Embedding.P50 + baseline.Dense.P50 + baseline.Keyword.P50;
            AnsiConsole.MarkupLineInterpolated($"Baseline (same run): bare dense index query p50 {Percentiles.Ms(bare)} ms; BM25 p50 {Percentiles.Ms(baseline.Keyword.P50)} ms; query embedding p50 {Percentiles.Ms(baseline.Embedding.P50)} ms.");
            AnsiConsole.MarkupLineInterpolated($"Search at {single.Clients} client(s), p50 {Percentiles.Ms(single.Total.P50)} ms = {single.Total.P50 / bare:0.0}x the bare dense index query, {single.Total.P50 / core:0.00}x embedding + dense + BM25 done alone (the rest is HTTP, auth, fusion, policy, audit).");
        }

        var memoryTable = new Table().Title("server working set (MB) over time").AddColumns("phase", "samples", "start", "25%", "50%", "75%", "end", "max");
        foreach (var (phase, samples) in memory.Where(m => m.Samples.Count > 0))
        {
            string At(double f) => (samples[Math.Min(samples.Count - 1, (int)(f * samples.Count))].Bytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture);
            memoryTable.AddRow(phase, samples.Count.ToString(CultureInfo.InvariantCulture), At(0), At(0.25), At(0.5), At(0.75), At(1),
                (samples.Max(s => s.Bytes) / 1048576.0).ToString("0", CultureInfo.InvariantCulture));
        }
        if (memory.Any(m => m.Samples.Count > 0)) AnsiConsole.Write(memoryTable);
        else AnsiConsole.MarkupLine("Server memory: not sampled (a server given with --url is not our process).");
        if (memory.FirstOrDefault(m => m.Phase == "mixed").Samples is { Count: >= 8 } mixed)
        {
            var warm = mixed.Skip(mixed.Count / 4).Take(mixed.Count / 4).Average(s => s.Bytes);
            var late = mixed.Skip(3 * mixed.Count / 4).Average(s => s.Bytes);
            AnsiConsole.MarkupLineInterpolated($"Mixed run memory: {warm / 1048576.0:0} MB average in the second quarter, {late / 1048576.0:0} MB in the last quarter ({(late - warm) / warm:+0.0%;-0.0%}).");
        }
        AnsiConsole.MarkupLineInterpolated($"Settings: clients {settings.Clients}, at most {settings.Requests} searches / {settings.AskRequests} asks per step and {settings.StepSeconds} s; mixed {settings.Visitors} visitors, {settings.Documents} documents, {settings.Duration} s, think {settings.ThinkMs} ms.");
    }

    private static string Markdown(List<LoadStep> steps, List<(string Phase, IReadOnlyList<(TimeSpan At, long Bytes)> Samples)> memory, Baseline? baseline, BenchLoadSettings settings, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {elapsed.TotalMinutes:0.0} min; clients {settings.Clients}, at most {settings.Requests} searches / {settings.AskRequests} asks and {settings.StepSeconds} s per step; mixed: {settings.Visitors} visitors (think {settings.ThinkMs} ms), {settings.Documents} documents, {settings.Duration} s.")
            .AppendLine()
            .AppendLine("| step | clients | ok | req/s | p50 ms | p95 ms | p99 ms | first event p50 / p95 ms | errors (non-429) | 429 |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in steps)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {s.Name} | {s.Clients} | {s.Total.Count} | {s.PerSecond:0.0} | {Percentiles.Ms(s.Total.P50)} | {Percentiles.Ms(s.Total.P95)} | {Percentiles.Ms(s.Total.P99)} | {(s.FirstEvent.Count == 0 ? "-" : $"{Percentiles.Ms(s.FirstEvent.P50)} / {Percentiles.Ms(s.FirstEvent.P95)}")} | {(s.Errors == 0 ? "0" : $"{s.Errors} ({s.ErrorKinds})")} | {s.Throttled} |");
        }
        if (baseline is not null && steps.FirstOrDefault(s => s.Name == "search") is { } single)
        {
            var core = baseline.Embedding.P50 + baseline.Dense.P50 + baseline.Keyword.P50;
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture,
                $"Baseline (same run, same questions): bare dense index query p50 {Percentiles.Ms(baseline.Dense.P50)} ms, BM25 p50 {Percentiles.Ms(baseline.Keyword.P50)} ms, query embedding p50 {Percentiles.Ms(baseline.Embedding.P50)} ms. "
                + $"Search p50 at {single.Clients} client = **{single.Total.P50 / baseline.Dense.P50:0.0}x** the bare dense query, **{single.Total.P50 / core:0.00}x** embedding + dense + BM25 alone.");
        }
        md.AppendLine().AppendLine("| server working set (MB) | samples | start | 25% | 50% | 75% | end | max |").AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (phase, samples) in memory.Where(m => m.Samples.Count > 0))
        {
            string At(double f) => (samples[Math.Min(samples.Count - 1, (int)(f * samples.Count))].Bytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {phase} | {samples.Count} | {At(0)} | {At(0.25)} | {At(0.5)} | {At(0.75)} | {At(1)} | {samples.Max(x => x.Bytes) / 1048576.0:0} |");
        }
        return md.ToString();
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open; the temp folder is cleaned by the system
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
