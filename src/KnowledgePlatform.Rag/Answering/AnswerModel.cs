using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>How an answer ended, for clients that branch on it.</summary>
public enum AnswerStatus
{
    Answered,
    InsufficientEvidence,
    RefusedByPolicy,
}

/// <summary>A checkable source of an answer: which document, where in it, and the exact words used.</summary>
public sealed record Citation(
    int Number,
    string ChunkId,
    string DocumentId,
    string DocumentTitle,
    string FileName,
    string Location,
    int? Page,
    string Quote,
    double Score);

/// <summary>What an answer generator is given: the question and the evidence retrieved for it, best first.</summary>
public sealed record AnswerRequest(string Question, IReadOnlyList<RetrievedChunk> Evidence);

/// <summary>The events of a streamed answer: text deltas, then the citations, then completion.</summary>
public abstract record AnswerEvent;

public sealed record AnswerDelta(string Text) : AnswerEvent;

public sealed record AnswerCitations(IReadOnlyList<Citation> Citations) : AnswerEvent;

public sealed record AnswerCompleted(AnswerStatus Status, string Model) : AnswerEvent;

/// <summary>
/// Turns evidence into a grounded answer. The extractive answerer is the fallback when no generative
/// model is configured; the Semantic Kernel orchestrator over an IChatClient is the other implementation.
/// </summary>
public interface IAnswerGenerator
{
    IAsyncEnumerable<AnswerEvent> GenerateAsync(AnswerRequest request, CancellationToken cancellationToken);
}
