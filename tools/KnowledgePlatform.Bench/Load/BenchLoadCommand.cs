using System.Diagnostics;
using KnowledgePlatform.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.Load;

/// <summary>
/// <c>kp-bench load</c>: search and streamed ask at rising concurrency, asks through the model host with the
/// generated tiny MoE model, and a mixed run of widget visitors with a curator ingesting at the same time,
/// against a real server process; prints throughput, latency percentiles, errors, the server's memory over
/// time, and search latency as a ratio of the bare index query measured in the same run.
/// </summary>
public sealed class BenchLoadCommand : AsyncCommand<BenchLoadSettings>
{
    internal const string ClinicKey = "kp_demo_clinic_key";
    internal const string SupportKey = "kp_demo_support_key";

    internal static readonly Dictionary<string, string> LoadSettings = new()
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
                    var mixed = await MixedRun.RunAsync(client, settings, support, cancellationToken);
                    steps.AddRange(mixed);
                    memory.Add(("mixed", sampler.Between(phaseStart, sampler.Now)));
                }
            }

            IndexBaseline? baseline = null;
            if (data is not null && settings.BaselineQueries > 0)
                baseline = await IndexBaseline.MeasureAsync(data, medical.Concat(support).ToList(), settings.BaselineQueries, cancellationToken);

            if (!settings.NoModel && data is not null)
                steps.AddRange(await ModelRun.RunAsync(settings, data, samples, medical, support, memory, cancellationToken));
            else if (!settings.NoModel)
                AnsiConsole.MarkupLine("[yellow]With --url the model phase is skipped: start the server with a Chat provider and the ask phase measures it.[/]");

            LoadReport.Print(steps, memory, baseline, settings, clock.Elapsed);
            if (settings.Markdown is { } markdown) await File.WriteAllTextAsync(markdown, LoadReport.Markdown(steps, memory, baseline, settings, clock.Elapsed), cancellationToken);
            return steps.Sum(s => s.Errors) == 0 ? 0 : 2;
        }
        finally
        {
            if (data is not null) TryDelete(data);
        }
    });

    internal static Task<LoadServer> StartServerAsync(BenchLoadSettings settings, string data, string samples, IReadOnlyDictionary<string, string> extra, CancellationToken ct) =>
        LoadServer.StartAsync(settings.Server ?? LoadServer.FindServerDll(), data, samples, extra, TimeSpan.FromMinutes(15), ct);

    internal static void Report(LoadStep step) =>
        AnsiConsole.MarkupLineInterpolated($"  {step.Name,-24} {step.Clients,4} clients: {step.Count,5} requests, {step.PerSecond,7:0.0}/s, p50 {Percentiles.Ms(step.Total.P50)} ms, p95 {Percentiles.Ms(step.Total.P95)} ms, errors {step.Errors}");

    /// <summary>Streamed asks at each concurrency step, alternating the medical and the customer-service knowledge base.</summary>
    internal static async Task<IReadOnlyList<LoadStep>> AskStepsAsync(string name, LoadClient client, BenchLoadSettings settings,
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

    internal static void TryDelete(string folder)
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
