namespace KnowledgePlatform.Infrastructure.Telemetry;

/// <summary>Configuration section "Telemetry".</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>How often the ingestion queue depth is read from the database for the kp.ingestion.queue.depth gauge.</summary>
    public TimeSpan QueueSampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
