using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;
using KnowledgePlatform.Server.Api;

namespace KnowledgePlatform.Server.Answering;

/// <summary>A question from any channel, once the channel has found the knowledge bases it addresses (the first one leads).</summary>
/// <param name="AuditAction">How the audit log names this channel's asking: ask, answer, chat.completion, cds.card.</param>
public sealed record GovernedQuestion(string Question, IReadOnlyList<KnowledgeBase> KnowledgeBases, string AuditAction)
{
    /// <summary>What retrieval searches, when it differs from the question (the clinical API adds the patient context).</summary>
    public string? SearchQuery { get; init; }

    public int? Top { get; init; }

    public SearchFilter? Filter { get; init; }

    /// <summary>Store the turn in a conversation: a new one, or <see cref="ConversationId"/> (the REST ask and the widget).</summary>
    public bool Remember { get; init; }

    public string? ConversationId { get; init; }

    /// <summary>Earlier turns the caller sent with the question (the OpenAI-compatible endpoint's messages), for a follow-up to be understood.</summary>
    public IReadOnlyList<HistoryTurn>? History { get; init; }

    /// <summary>The channel's terms on top of the knowledge base's answer policy (the clinical API: strict and deterministic).</summary>
    public Func<AnswerPolicy, AnswerPolicy>? Terms { get; init; }

    /// <summary>What the channel adds to the audit record (CDS Hooks: the hook instance and the knowledge base version).</summary>
    public object? AuditContext { get; init; }
}
