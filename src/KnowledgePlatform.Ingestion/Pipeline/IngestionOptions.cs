using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Ingestion.Pipeline;

/// <summary>Configuration section "Ingestion".</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Largest file accepted by an upload, in bytes.</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>Jobs processed at once by this process. Embedding is CPU-bound: one per two cores is plenty.</summary>
    [Range(0, 64)]
    public int Workers { get; set; } = 1;

    /// <summary>Texts sent to the embedding model per call.</summary>
    [Range(1, 1024)]
    public int EmbeddingBatchSize { get; set; } = 8;

    /// <summary>Attempts before a document with a transient failure is marked failed.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a claimed job is reserved for its worker before another may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle worker looks for jobs queued by other processes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
