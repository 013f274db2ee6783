using System.Diagnostics;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Extraction;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Pipeline.Steps;

/// <summary>embed: every chunk gets its vector; chunks and vectors are stored together (durable).</summary>
public sealed class EmbedStep(
    EmbeddingModelRegistry models,
    IIngestionStore store,
    EmbeddingBatcher batcher,
    IOptions<IngestionOptions> options) : IIngestionStep
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public string Name => "embed";
    public bool Durable => true;

    public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var drafts = context.Drafts ?? throw new InvalidOperationException("embed runs after chunk");
        var kb = context.KnowledgeBase;
        if (!models.Contains(kb.EmbeddingModel))
            throw new ExtractionException("embedding_model_unavailable",
                $"The knowledge base is embedded with {kb.EmbeddingModel}, which this server does not configure (Embedding:Additional), or re-embed it (kp reembed).");
        var (model, embedder) = models.Get(kb.EmbeddingModel);
        if (kb.EmbeddingDimension != model.Dimension)
            throw new ExtractionException("embedding_model_mismatch",
                $"The knowledge base uses {kb.EmbeddingModel} with {kb.EmbeddingDimension} dimensions but it is configured with {model.Dimension}.");

        var title = context.Extracted?.Title ?? Path.GetFileNameWithoutExtension(context.Document.FileName);
        var chunks = new List<Chunk>(drafts.Count);
        var batchSize = options.Value.EmbeddingBatchSize;
        var reported = Stopwatch.GetTimestamp();
        for (var i = 0; i < drafts.Count; i += batchSize)
        {
            var batch = drafts.Skip(i).Take(batchSize).ToList();
            // The batcher joins these texts with other jobs' in the model's calls.
            var vectors = await batcher.EmbedAsync(embedder, [.. batch.Select(d => EmbeddingText(title, d))], cancellationToken);
            for (var j = 0; j < batch.Count; j++)
            {
                var vector = vectors[j];
                if (vector.Length != model.Dimension)
                    throw new InvalidOperationException($"The embedding model returned {vector.Length} dimensions, configured {model.Dimension}.");
                chunks.Add(ToChunk(context.Document, context.Version, batch[j], i + j, vector));
            }
            // Progress is a database write: at most one a second, not one per batch.
            if (Stopwatch.GetElapsedTime(reported) >= ProgressInterval && i + batch.Count < drafts.Count)
            {
                await context.ReportAsync((i + batch.Count) * 100 / drafts.Count, cancellationToken);
                reported = Stopwatch.GetTimestamp();
            }
        }
        await store.SaveChunksAsync(context.Document.Id, context.Version, title, chunks, cancellationToken);
        context.Document.Title = title;
        context.Chunks = chunks;
    }

    /// <summary>The document title and headings give a chunk the context its text alone lacks.</summary>
    public static string EmbeddingText(string title, ChunkDraft draft) => Core.Text.EmbeddingText.Of(title, draft.HeadingPathText, draft.Text);

    private static Chunk ToChunk(Document document, int version, ChunkDraft draft, int ordinal, ReadOnlyMemory<float> vector) => new()
    {
        // Deterministic ids: the same document version always yields the same chunk ids.
        Id = $"{document.Id}-v{version}-{ordinal:D5}",
        TenantId = document.TenantId,
        KnowledgeBaseId = document.KnowledgeBaseId,
        DocumentId = document.Id,
        Version = version,
        Ordinal = ordinal,
        Text = draft.Text,
        HeadingPath = draft.HeadingPathText,
        Page = draft.Page,
        Line = draft.Line,
        Kind = draft.Kind,
        TokenCount = draft.TokenCount,
        Embedding = Chunk.ToBytes(vector.Span),
    };
}
