using System.Runtime.CompilerServices;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Rag.Answering;

/// <summary>The question journey: retrieve evidence inside the tenant, then stream a grounded answer from it.</summary>
public sealed class AnswerService(Retriever retriever, IAnswerGenerator generator)
{
    public async IAsyncEnumerable<AnswerEvent> AskAsync(RetrievalRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var retrieval = await retriever.SearchAsync(request, cancellationToken);
        await foreach (var e in generator.GenerateAsync(new AnswerRequest(request.Query, retrieval.Hits), cancellationToken))
            yield return e;
    }
}
