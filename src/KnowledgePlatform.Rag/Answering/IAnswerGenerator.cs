namespace KnowledgePlatform.Rag.Answering;

/// <summary>
/// Turns evidence into a grounded answer. The extractive answerer is the fallback when no generative
/// model is configured; the Semantic Kernel orchestrator over an IChatClient is the other implementation.
/// </summary>
public interface IAnswerGenerator
{
    IAsyncEnumerable<AnswerEvent> GenerateAsync(AnswerRequest request, CancellationToken cancellationToken);
}
