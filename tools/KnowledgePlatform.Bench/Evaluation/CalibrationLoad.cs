using System.Globalization;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Retrieval;
using Spectre.Console;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// Whether a knowledge base's calibration delays its searches: hybrid searches (query embedding included, the production
/// candidate depth, one at a time) timed on an idle knowledge base, then again for as long as a self-calibration of it
/// runs beside them in the same process, as the server's calibration scheduler runs beside its requests.
/// </summary>
internal sealed record CalibrationLoad(Timing Idle, Timing During, int SearchesDuring, TimeSpan Calibration)
{
    public static async Task<CalibrationLoad> MeasureAsync(EvaluationRun run, IReadOnlyList<BeirQuery> queries, RetrievalSettings settings, CancellationToken ct)
    {
        foreach (var q in queries.Take(3)) await run.TimeHybridAsync(q.Text, settings, ct);
        var idle = new List<double>();
        foreach (var q in queries.Take(300)) idle.Add(await run.TimeHybridAsync(q.Text, settings, ct));

        // As the server runs it: its embeddings are background calls, run at the lowest priority (decision 0125).
        var calibration = Task.Run(() => run.SelfCalibrateAsync(Vertical.General, ct), ct);
        var during = new List<double>();
        for (var i = 0; !calibration.IsCompleted; i++)
            during.Add(await run.TimeHybridAsync(queries[i % queries.Count].Text, settings, ct));
        var self = await calibration;
        return new CalibrationLoad(Timing.Of("idle", idle), Timing.Of("during calibration", during), during.Count, self.Took);
    }

    public void Print()
    {
        AnsiConsole.MarkupLineInterpolated($"Hybrid search (query embedding included), one at a time, while a self-calibration runs ({Calibration.TotalSeconds:0.0}s, {SearchesDuring} searches):");
        var table = new Table().AddColumns("", "p50 ms", "p95 ms");
        foreach (var t in new[] { Idle, During })
            table.AddRow(t.Part, t.P50Ms.ToString("0.0", CultureInfo.InvariantCulture), t.P95Ms.ToString("0.0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
    }
}
