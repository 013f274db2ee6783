using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KnowledgePlatform.Core.Telemetry;

/// <summary>
/// The platform's own traces and metrics, named "KnowledgePlatform" for OpenTelemetry. Tags carry
/// names of steps, phases, models and outcomes, and ids where a trace needs them; never tenant content
/// (document text, file names, questions, answers), and no tenant ids on metrics (unbounded cardinality).
/// </summary>
public static class PlatformTelemetry
{
    public const string Name = "KnowledgePlatform";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Seconds per ingestion step; tags step, outcome (ok, failed).</summary>
    public static readonly Histogram<double> IngestionStepDuration =
        Meter.CreateHistogram<double>("kp.ingestion.step.duration", "s", "Duration of one ingestion step of one document");

    /// <summary>Finished ingestion attempts; tag outcome (ready, retry, failed).</summary>
    public static readonly Counter<long> IngestionJobs =
        Meter.CreateCounter<long>("kp.ingestion.jobs", "{job}", "Ingestion attempts that finished, by outcome");

    /// <summary>Seconds spent retrieving; tag phase (embed: the query embedding, search: index queries and fusion).</summary>
    public static readonly Histogram<double> RetrievalDuration =
        Meter.CreateHistogram<double>("kp.retrieval.duration", "s", "Retrieval latency by phase");

    /// <summary>Seconds from evidence to the end of the answer; tags model, status.</summary>
    public static readonly Histogram<double> GenerationDuration =
        Meter.CreateHistogram<double>("kp.generation.duration", "s", "Answer generation latency");

    /// <summary>Seconds from evidence to the first streamed text.</summary>
    public static readonly Histogram<double> GenerationTimeToFirstText =
        Meter.CreateHistogram<double>("kp.generation.time_to_first_text", "s", "Answer generation latency until the first text delta");

    public static double SecondsSince(long timestamp) => Stopwatch.GetElapsedTime(timestamp).TotalSeconds;
}
