using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>What an answer generator is given: the question and the evidence retrieved for it, best first.</summary>
public sealed record AnswerRequest(string Question, IReadOnlyList<RetrievedChunk> Evidence)
{
    public AnswerPolicy Policy { get; init; } = AnswerPolicy.Default;
}
