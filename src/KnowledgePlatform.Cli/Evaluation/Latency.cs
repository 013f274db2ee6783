using System.Globalization;
using KnowledgePlatform.Rag.Evaluation;
using Spectre.Console;

namespace KnowledgePlatform.Cli.Evaluation;

/// <summary>Percentiles of one timed part of a query.</summary>
internal sealed record Timing(string Part, double P50Ms, double P95Ms)
{
    public static Timing Of(string part, IReadOnlyList<double> ms) => new(part, RankingMetrics.Percentile(ms, 50), RankingMetrics.Percentile(ms, 95));
}

/// <summary>Latency of one query against a knowledge base of <paramref name="Chunks"/> chunks, split into its parts.</summary>
internal sealed record LatencyReport(int Chunks, int SynthesisedChunks, int Queries, int Candidates, IReadOnlyList<Timing> Timings)
{
    public void Print()
    {
        AnsiConsole.MarkupLineInterpolated(
            $"Latency at [bold]{Chunks:N0}[/] chunks ({SynthesisedChunks:N0} synthesised), {Queries} queries, {Candidates} candidates per signal, one query at a time:");
        var table = new Table().AddColumns("part", "p50 ms", "p95 ms");
        foreach (var t in Timings)
            table.AddRow(t.Part, t.P50Ms.ToString("0.0", CultureInfo.InvariantCulture), t.P95Ms.ToString("0.0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
    }
}
