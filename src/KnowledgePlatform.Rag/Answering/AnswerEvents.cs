namespace KnowledgePlatform.Rag.Answering;

/// <summary>The events of a streamed answer: text deltas, then the citations, then completion.</summary>
public abstract record AnswerEvent;

public sealed record AnswerDelta(string Text) : AnswerEvent;

public sealed record AnswerCitations(IReadOnlyList<Citation> Citations) : AnswerEvent;

public sealed record AnswerCompleted(AnswerStatus Status, string Model) : AnswerEvent
{
    /// <summary>Every statement is backed by a cited, retrieved chunk (always true of extractive answers).</summary>
    public bool Grounded { get; init; } = Status == AnswerStatus.Answered;

    /// <summary>The conversation the turn was stored in, when it was.</summary>
    public string? ConversationId { get; init; }

    /// <summary>The evidence gate's confidence (0 to 1) that the evidence answers the question; null when no gate ran.</summary>
    public double? EvidenceConfidence { get; init; }
}
