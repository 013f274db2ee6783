using System.Diagnostics;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Extraction;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Pipeline;

/// <summary>
/// extract: the stored file becomes a structured document; scanned PDF pages are read by OCR in the knowledge
/// base's languages, and the document records that they were (decision 0081).
/// </summary>
public sealed class ExtractStep(IFileStore files, ExtractorRegistry extractors, IIngestionStore store, IOptions<Extraction.Ocr.OcrOptions> ocr) : IIngestionStep
{
    public string Name => "extract";
    public bool Durable => false;

    public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var format = Enum.Parse<FileFormat>(context.Document.Format);
        await using var content = await files.OpenReadAsync(context.Document.StorageKey, cancellationToken);
        var settings = new ExtractionSettings(context.KnowledgeBase.OcrLanguages ?? ocr.Value.Languages, context.ReportAsync);
        context.Extracted = await extractors.For(format).ExtractAsync(content, context.Document.FileName, settings, cancellationToken);
        if (context.Extracted.Blocks.Count == 0)
            throw new ExtractionException("no_text", "No text could be extracted from the file.");
        if (context.Extracted.Recognition is not null || context.Document.Recognition is not null)
            await store.RecordRecognitionAsync(context.Document.Id, context.Version, context.Extracted.Recognition, cancellationToken);
    }
}

/// <summary>redact: PII/PHI named by the tenant's policy is replaced before anything is chunked, embedded or stored.</summary>
public sealed class RedactStep(Redactor redactor) : IIngestionStep
{
    public string Name => "redact";
    public bool Durable => false;

    public Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var extracted = context.Extracted ?? throw new InvalidOperationException("redact runs after extract");
        var policy = context.Work.Policy;
        if (policy.Redact.Count == 0) return Task.CompletedTask;
        string R(string text) => redactor.Redact(text, policy).Text;
        context.Extracted = extracted with
        {
            Title = extracted.Title is null ? null : R(extracted.Title),
            Blocks = extracted.Blocks.Select(b => b switch
            {
                ParagraphBlock p => p with { Text = R(p.Text) },
                TableBlock t => t with { Rows = t.Rows.Select(row => (IReadOnlyList<string>)row.Select(R).ToList()).ToList() },
                QuestionAnswerBlock qa => qa with { Question = R(qa.Question), Answer = R(qa.Answer) },
                _ => b,
            }).ToList(),
        };
        return Task.CompletedTask;
    }
}

/// <summary>chunk: structure-aware, token-bounded chunks with the knowledge base's settings.</summary>
public sealed class ChunkStep(Chunker chunker) : IIngestionStep
{
    public string Name => "chunk";
    public bool Durable => false;

    public Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var extracted = context.Extracted ?? throw new InvalidOperationException("chunk runs after extract");
        context.Drafts = chunker.Chunk(extracted, context.KnowledgeBase.Chunking);
        return Task.CompletedTask;
    }
}

/// <summary>embed: every chunk gets its vector; chunks and vectors are stored together (durable).</summary>
public sealed class EmbedStep(
    EmbeddingModelRegistry models,
    IIngestionStore store,
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
            var vectors = await embedder.GenerateAsync(batch.Select(d => EmbeddingText(title, d)), cancellationToken: cancellationToken);
            for (var j = 0; j < batch.Count; j++)
            {
                var vector = vectors[j].Vector;
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

/// <summary>
/// index: the stored chunks replace whatever the index held for the document. Not durable on purpose:
/// the document's indexed version only moves when the job succeeds, so an index write that a crash or
/// shutdown left before that point is not the indexed state (the start-up repair rebuilds the index from
/// the indexed versions). A resumed job therefore always writes the index again, which is idempotent.
/// </summary>
public sealed class IndexStep(IChunkIndex index, IIngestionStore store) : IIngestionStep
{
    public string Name => "index";
    public bool Durable => false;

    public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var document = context.Document;
        var chunks = context.Chunks ?? await store.LoadChunksAsync(document.Id, context.Version, cancellationToken);
        var indexed = IndexedChunk.Of(chunks, document);
        await index.ReplaceDocumentAsync(new DocumentRef(document.TenantId, document.KnowledgeBaseId, document.Id), indexed, cancellationToken);
        await context.ReportAsync(100, cancellationToken);
    }
}
