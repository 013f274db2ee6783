using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>How an answer ended, for clients that branch on it.</summary>
public enum AnswerStatus
{
    Answered,
    InsufficientEvidence,
    /// <summary>The tenant's policy refused the question (a blocked topic).</summary>
    RefusedByPolicy,
    /// <summary>A model's answer that cites nothing or cites what was not retrieved, delivered (by a non-strict knowledge base) with that warning.</summary>
    Ungrounded,
}

/// <summary>How a knowledge base wants its answers: the vertical's prompt and strictness. (The disclaimer belongs to the tenant's security policy.)</summary>
public sealed record AnswerPolicy(Vertical Vertical, bool Strict)
{
    public static readonly AnswerPolicy Default = new(Vertical.General, Strict: false);

    public string KnowledgeBaseName { get; init; } = "";

    /// <summary>Sampling settings that override the configured ones (the clinical API asks for temperature 0 and a fixed seed).</summary>
    public GenerationSettings? Generation { get; init; }

    /// <summary>Sentences of the evidence that read as instructions to an assistant are removed from the prompt (the tenant's <c>SecurityPolicy.NeutraliseEmbeddedInstructions</c>).</summary>
    public bool NeutraliseEmbeddedInstructions { get; init; } = true;

    /// <summary>The knowledge base's evidence gate; null: the vertical's default gate.</summary>
    public EvidenceGateCalibration? Gate { get; init; }

    public static AnswerPolicy For(KnowledgeBase kb) => new(kb.Vertical, kb.Strict) { KnowledgeBaseName = kb.Name, Gate = kb.EvidenceGate };
}

/// <summary>Sampling settings of a generative model; with temperature 0 and a seed, the same evidence gives the same answer.</summary>
public sealed record GenerationSettings(float Temperature, long Seed)
{
    public static readonly GenerationSettings Deterministic = new(0, 42);
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
    double Score)
{
    /// <summary>Where a client opens the cited document with its own credential; set by the host that serves documents.</summary>
    public CitationSource? Source { get; init; }
}

/// <summary>
/// Links to a cited document: its original file (<paramref name="ContentUrl"/>) and the cited passage's place in it
/// (<paramref name="PassageUrl"/>), both API routes for the client's own credential, and the portal's source view
/// with the quoted words highlighted (<paramref name="ViewUrl"/>), for people signed in to the portal.
/// </summary>
public sealed record CitationSource(string ContentUrl, string PassageUrl, string ViewUrl);

/// <summary>What an answer generator is given: the question and the evidence retrieved for it, best first.</summary>
public sealed record AnswerRequest(string Question, IReadOnlyList<RetrievedChunk> Evidence)
{
    public AnswerPolicy Policy { get; init; } = AnswerPolicy.Default;
}

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

/// <summary>
/// Turns evidence into a grounded answer. The extractive answerer is the fallback when no generative
/// model is configured; the Semantic Kernel orchestrator over an IChatClient is the other implementation.
/// </summary>
public interface IAnswerGenerator
{
    IAsyncEnumerable<AnswerEvent> GenerateAsync(AnswerRequest request, CancellationToken cancellationToken);
}
