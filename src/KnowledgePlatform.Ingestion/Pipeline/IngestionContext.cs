using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Extraction;

namespace KnowledgePlatform.Ingestion.Pipeline;

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
