using System.ComponentModel;
using KnowledgePlatform.Rag.Retrieval;
using Microsoft.SemanticKernel;

namespace KnowledgePlatform.Rag.Orchestration;

/// <summary>
/// The retrieval service as a kernel plugin, bound to one tenant and its knowledge bases when it is created:
/// whoever invokes it (the orchestrator, or a model through function calling) chooses only the query,
/// never whose data is searched.
/// </summary>
public sealed class KnowledgeSearchPlugin(Retriever retriever, RetrievalRequest scope)
{
    public const string PluginName = "knowledge";
    public const string SearchFunction = "search";

    [KernelFunction(SearchFunction)]
    [Description("Searches the knowledge base and returns the passages relevant to the query, best first.")]
    public Task<RetrievalResult> SearchAsync([Description("A standalone search query.")] string query, CancellationToken cancellationToken) =>
        retriever.SearchAsync(scope with { Query = query }, cancellationToken);
}
