using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Ingestion.Pipeline;

/// <summary>Configuration section "Ingestion".</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Largest file accepted by an upload, in bytes.</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>
    /// Jobs in flight in this process (0: this process ingests nothing). Their embed steps share one queue in front of
    /// the model (<see cref="EmbeddingBatcher"/>), so more jobs do not mean more threads in the model: they let short
    /// documents share the model's calls and one job read, chunk and write while another is embedded (decision 0164).
    /// </summary>
    [Range(0, 64)]
    public int Workers { get; set; } = 8;

    /// <summary>Texts per call to the embedding model at most, from one job or several (decision 0164).</summary>
    [Range(1, 1024)]
    public int EmbeddingBatchSize { get; set; } = 256;

    /// <summary>Attempts before a document with a transient failure is marked failed.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a claimed job is reserved for its worker before another may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle worker looks for jobs queued by other processes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
