using System.ComponentModel;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Server.Api;

// The REST contract of /api/v1. Ids are opaque strings; a knowledge base can also be named by its name.

public sealed record ChunkingDto(int MaxTokens, int OverlapTokens);

public sealed record CreateKnowledgeBaseRequest(
    [property: Description("Unique within the tenant; usable in URLs instead of the id.")] string Name,
    string? Description = null,
    Vertical Vertical = Vertical.General,
    ChunkingDto? Chunking = null,
    [property: Description("Refuse model answers that cite nothing or cite what was not retrieved; default: true for medical, false otherwise.")] bool? Strict = null,
    [property: Description("A configured embedding model (Embedding or Embedding:Additional); default: the server's default model.")] string? EmbeddingModel = null);

public sealed record KnowledgeBaseDto(
    string Id, string Name, string? Description, Vertical Vertical, string EmbeddingModel, int EmbeddingDimension,
    ChunkingDto Chunking, int DocumentCount, DateTimeOffset CreatedAt, bool Strict)
{
    /// <summary>Published to this tenant by the platform (decision 0042): searchable and askable, never changeable.</summary>
    public bool Shared { get; init; }

    public bool ReadOnly => Shared;

    /// <summary>How the knowledge base decides whether its evidence answers a question (decision 0100).</summary>
    public EvidenceGateDto EvidenceGate { get; init; } = null!;

    /// <summary>How dense and BM25 results are weighed, and whether the knowledge base calibrated it itself (decision 0120).</summary>
    public FusionDto Fusion { get; init; } = null!;

    /// <summary>Tesseract language packs for scanned pages; null: the server's default (decision 0081).</summary>
    public string? OcrLanguages { get; init; }

    public static KnowledgeBaseDto From(KnowledgeBase kb, int documentCount) =>
        new(kb.Id, kb.Name, kb.Description, kb.Vertical, kb.EmbeddingModel, kb.EmbeddingDimension,
            new ChunkingDto(kb.Chunking.MaxTokens, kb.Chunking.OverlapTokens), documentCount, kb.CreatedAt, kb.Strict)
        {
            EvidenceGate = EvidenceGateDto.Of(kb),
            Fusion = FusionDto.Of(kb),
            OcrLanguages = kb.OcrLanguages,
        };
}

public sealed record DocumentDto(
    string Id, string KnowledgeBaseId, string FileName, string Format, long SizeBytes, string? Title, int Version, int? IndexedVersion,
    DocumentStatus Status, string? Step, int ProgressPercent, int ChunkCount, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string StatusUrl)
{
    /// <summary>Access groups (decision 0040); empty: visible to the whole tenant.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Searchable metadata (set with PATCH /documents/{id}/metadata).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    public DateOnly? EffectiveDate { get; init; }

    /// <summary>The source the document is kept in sync with; null for uploads (decision 0080).</summary>
    public string? SourceId { get; init; }

    /// <summary>Set when pages were read by OCR: the engine, languages, pages and mean word confidence (decision 0081).</summary>
    public TextRecognition? Recognition { get; init; }

    /// <summary>Who uploaded the latest version, as the audit log names actors; null for a source's sync.</summary>
    public string? UploadedBy { get; init; }

    /// <summary>The uploader as people know them (an e-mail, a key's name); set by the document list and GET.</summary>
    public string? UploadedByName { get; init; }

    public static DocumentDto From(Document d) =>
        new(d.Id, d.KnowledgeBaseId, d.FileName, d.Format, d.SizeBytes, d.Title, d.Version, d.IndexedVersion, d.Status, d.Step, d.ProgressPercent,
            d.ChunkCount, d.Error, d.CreatedAt, d.UpdatedAt, $"/api/v1/documents/{d.Id}")
        { Groups = d.Groups, Tags = d.Tags, EffectiveDate = d.EffectiveDate, SourceId = d.SourceId, Recognition = d.Recognition, UploadedBy = d.UploadedBy };
}

public sealed record SearchRequest(
    string Query, int? Top = null, SearchFilter? Filter = null, RetrievalMode Mode = RetrievalMode.Hybrid,
    [property: Description("Also search every knowledge base shared with the tenant (same embedding model) in the same retrieval.")] bool IncludeShared = false);

public sealed record SearchHitDto(
    string ChunkId, string DocumentId, string Title, string FileName, string Location, int? Page, string HeadingPath,
    string Text, double Score, double? DenseScore, int? DenseRank, double? KeywordScore, int? KeywordRank)
{
    public string KnowledgeBaseId { get; init; } = "";
    public double? RerankScore { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public DateOnly? EffectiveDate { get; init; }

    /// <summary>Neighbouring chunks brought along when the knowledge base expands hits (adjacent or section).</summary>
    public IReadOnlyList<ContextChunkDto> Context { get; init; } = [];

    public static SearchHitDto From(RetrievedChunk r) =>
        new(r.Chunk.ChunkId, r.Chunk.DocumentId, r.Chunk.DocumentTitle, r.Chunk.FileName, r.Chunk.Location, r.Chunk.Page,
            r.Chunk.HeadingPath, r.Chunk.Text, r.Score, r.DenseScore, r.DenseRank, r.KeywordScore, r.KeywordRank)
        {
            KnowledgeBaseId = r.Chunk.KnowledgeBaseId,
            RerankScore = r.RerankScore,
            Tags = r.Chunk.Tags,
            EffectiveDate = r.Chunk.EffectiveDate,
            Context = r.Context.Select(c => new ContextChunkDto(c.ChunkId, c.Ordinal, c.Location, c.Text)).ToList(),
        };
}

public sealed record ContextChunkDto(string ChunkId, int Ordinal, string Location, string Text);

public sealed record SearchTimings(double EmbeddingMs, double SearchMs);

public sealed record SearchResponse(string Query, IReadOnlyList<SearchHitDto> Hits, SearchTimings Timings)
{
    /// <summary>The query actually searched, when a follow-up was rewritten.</summary>
    public string? SearchedQuery { get; init; }
}

public sealed record AskRequest(
    string Question,
    bool Stream = false,
    int? Top = null,
    [property: Description("Continue this conversation (a follow-up is read in its light); omitted, a new one is started.")] string? ConversationId = null,
    SearchFilter? Filter = null,
    [property: Description("Also answer from every knowledge base shared with the tenant (same embedding model), in one retrieval.")] bool IncludeShared = false);

public sealed record AskResponse(
    string Answer,
    AnswerStatus Status,
    string Model,
    IReadOnlyList<Citation> Citations,
    [property: Description("Every statement is backed by a cited, retrieved passage.")] bool Grounded,
    [property: Description("Pass it back as conversationId to ask a follow-up.")] string? ConversationId)
{
    [Description("How the answer was made, for people reading it in a tool: set when no generative model is configured and the answer quotes passages.")]
    public string? Notice { get; init; }

    [Description("How surely the retrieved evidence answers the question (0 to 1), as the knowledge base's evidence gate judged it before any answer was written; it answers from its threshold (GET /api/v1/knowledge-bases/{kb} → evidenceGate.threshold). Null when no evidence was retrieved (a refusal by policy).")]
    public double? EvidenceConfidence { get; init; }
}
