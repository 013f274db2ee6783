using System.Globalization;
using KnowledgePlatform.Infrastructure.Indexing;
using Spectre.Console;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>Percentiles of one timed part of a query.</summary>
internal sealed record Timing(string Part, double P50Ms, double P95Ms)
{
    public static Timing Of(string part, IReadOnlyList<double> ms) => new(part, RankingMetrics.Percentile(ms, 50), RankingMetrics.Percentile(ms, 95));
}

/// <summary>
/// How the knowledge base was padded to its size: chunks added through the bulk path and how long that took
/// (synthesising included), the process's resident memory afterwards, the index's files on disk (the vector index's files
/// apart) and what the benchmark itself holds for exact search.
/// </summary>
internal sealed record PaddingCost(int AddedChunks, double Seconds, long ResidentBytes, long ManagedBytes, long IndexBytes, long VectorBytes, long HeldForExactSearch)
{
    public double ChunksPerSecond => AddedChunks == 0 ? 0 : AddedChunks / Seconds;
}

/// <summary>Latency of one query against a knowledge base of <paramref name="Chunks"/> chunks, split into its parts.</summary>
/// <param name="Partitions">How many partitions the embedded index cut the vectors into at this size.</param>
/// <param name="Probes">How many of them a search sweeps.</param>
/// <param name="DenseRecall10">The dense search's recall@10 against exact search over every chunk, synthesised ones included (200 queries).</param>
/// <param name="DenseRecall10WideBeam">The same sweeping twice as many partitions.</param>
/// <param name="Lucene">What the Lucene.NET comparison's index cost at this size; null without it.</param>
internal sealed record LatencyReport(int Chunks, int SynthesisedChunks, int Queries, int Candidates, IReadOnlyList<Timing> Timings, PaddingCost Padding,
    int Partitions, int Probes, double DenseRecall10, double DenseRecall10WideBeam, LuceneCost? Lucene)
{
    /// <summary>One row per size: each part's p50 / p95, then what building that size cost.</summary>
    public static void Print(IReadOnlyList<LatencyReport> reports)
    {
        if (reports.Count == 0) return;
        // Redirected output gets 80 columns by default, too narrow for a row per size; a terminal keeps its own width.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        var first = reports[0];
        AnsiConsole.MarkupLineInterpolated($"Latency, {first.Queries} queries one at a time, {first.Candidates} candidates per signal (p50 / p95 ms):");
        var table = new Table().AddColumn("chunks (synthesised)");
        foreach (var t in first.Timings) table.AddColumn(t.Part);
        table.AddColumns("dense recall@10 at probes / partitions (twice the probes)", "padding: s (chunks/s)", "resident MiB (managed; held for exact search)", "index on disk MiB (vector files)", "bytes/chunk: vectors · rest");
        if (first.Lucene is not null) table.AddColumn("Lucene.NET: build s (chunks/s) · MiB · segments");
        foreach (var r in reports)
        {
            var p = r.Padding;
            table.AddRow([
                $"{r.Chunks:N0} ({r.SynthesisedChunks:N0})",
                .. r.Timings.Select(t => $"{Ms(t.P50Ms)} / {Ms(t.P95Ms)}"),
                $"{r.DenseRecall10.ToString("0.000", CultureInfo.InvariantCulture)} at {r.Probes} / {r.Partitions} ({r.DenseRecall10WideBeam.ToString("0.000", CultureInfo.InvariantCulture)})",
                p.AddedChunks == 0 ? "-" : $"{p.Seconds:0.0} ({p.ChunksPerSecond:N0})",
                $"{p.ResidentBytes / 1048576.0:N0} ({p.ManagedBytes / 1048576.0:N0}; {p.HeldForExactSearch / 1048576.0:N0})",
                $"{p.IndexBytes / 1048576.0:N0} ({p.VectorBytes / 1048576.0:N0})",
                $"{p.VectorBytes / (double)r.Chunks:N0} · {(p.IndexBytes - p.VectorBytes) / (double)r.Chunks:N0}",
                .. r.Lucene is { } l ? [$"{l.Seconds:0.0} ({l.ChunksPerSecond:N0}) · {l.Bytes / 1048576.0:N0} · {l.Segments}"] : Array.Empty<string>(),
            ]);
        }
        AnsiConsole.Write(table);
    }

    private static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
