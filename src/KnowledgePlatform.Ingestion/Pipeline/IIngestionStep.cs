using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Extraction;

namespace KnowledgePlatform.Ingestion.Pipeline;

/// <summary>
/// One named step of the ingestion chain. Steps are idempotent: running one again with the same
/// input produces the same output and no duplicates. A durable step persists its output, so a job
/// resumed after a crash starts after the last durable step that completed.
/// </summary>
public interface IIngestionStep
{
    string Name { get; }

    bool Durable { get; }

    Task RunAsync(IngestionContext context, CancellationToken cancellationToken);
}

/// <summary>What the steps of one job hand to each other.</summary>
public sealed class IngestionContext(IngestionWork work, Func<int, CancellationToken, Task> reportPercent)
{
    public IngestionWork Work { get; } = work;
    public Document Document => Work.Document;
    /// <summary>The document version this job ingests.</summary>
    public int Version => Work.Job.DocumentVersion;
    public KnowledgeBase KnowledgeBase => Work.KnowledgeBase;
    public ExtractedDocument? Extracted { get; set; }
    public IReadOnlyList<ChunkDraft>? Drafts { get; set; }
    public IReadOnlyList<Chunk>? Chunks { get; set; }

    /// <summary>Reports progress within the running step, 0-100.</summary>
    public Task ReportAsync(int percent, CancellationToken cancellationToken) => reportPercent(percent, cancellationToken);
}
