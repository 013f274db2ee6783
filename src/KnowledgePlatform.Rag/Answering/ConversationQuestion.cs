using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>A question asked in a conversation: continuing one (its id) or starting one (null).</summary>
public sealed record ConversationQuestion(RetrievalRequest Retrieval, AnswerPolicy Policy)
{
    public string? ConversationId { get; init; }
}
