using System.Globalization;
using System.Text;
using Spectre.Console;

namespace KnowledgePlatform.Bench.Load;

/// <summary>The figures of a <c>kp-bench load</c> run: on the console, and as Markdown tables for docs/benchmarks.</summary>
internal static class LoadReport
{
    public static void Print(List<LoadStep> steps, List<(string Phase, IReadOnlyList<(TimeSpan At, long Bytes)> Samples)> memory, IndexBaseline? baseline, BenchLoadSettings settings, TimeSpan elapsed)
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

    public static string Markdown(List<LoadStep> steps, List<(string Phase, IReadOnlyList<(TimeSpan At, long Bytes)> Samples)> memory, IndexBaseline? baseline, BenchLoadSettings settings, TimeSpan elapsed)
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
}
