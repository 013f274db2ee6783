using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Api;

/// <summary>A stored chunk; <paramref name="Enabled"/> false: a curator took it out of retrieval (decision 0052).</summary>
public sealed record ChunkDto(string Id, string DocumentId, int Version, int Ordinal, string Text, string HeadingPath, int? Page, int? Line, ChunkKind Kind, int TokenCount, bool Enabled)
{
    /// <summary>When a curator last corrected the text; null: as ingestion cut it.</summary>
    public DateTimeOffset? EditedAt { get; init; }
}

public sealed record EditChunkRequest(string Text);

public sealed record ChunkEnabledRequest(bool Enabled);

public sealed record QuestionAnswerRequest(string Question, string Answer);

/// <summary>A null field is left as it is. New chunking applies to documents ingested from now on.</summary>
public sealed record UpdateKnowledgeBaseRequest(string? Description = null, Vertical? Vertical = null, bool? Strict = null, ChunkingDto? Chunking = null)
{
    /// <summary>Tesseract language packs for scanned PDF pages, joined by '+' ("eng+deu"); "" goes back to the server's default (decision 0081).</summary>
    public string? OcrLanguages { get; init; }
}

public sealed record DayActivity(DateOnly Day, int Answered, int NotFound);

public sealed record UnansweredQuestion(string Question, int Count, DateTimeOffset LastAsked);

public sealed record DashboardDto(
    int KnowledgeBases, IReadOnlyDictionary<string, int> DocumentsByStatus, int Asked, int Answered, int NotFound,
    IReadOnlyList<DayActivity> Activity, IReadOnlyList<UnansweredQuestion> TopUnanswered)
{
    /// <summary>Visitors' thumbs up and down on answers in the period (widget feedback).</summary>
    public int Helpful { get; init; }
    public int NotHelpful { get; init; }

    /// <summary>The latest feedback comments of the period (already redacted by the tenant's policy when stored).</summary>
    public IReadOnlyList<FeedbackComment> RecentComments { get; init; } = [];
}

public sealed record FeedbackComment(string Rating, string Comment, string Channel, DateTimeOffset At);
