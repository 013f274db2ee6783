using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>A search inside one tenant. The tenant comes from the caller's credential, never from the request body.</summary>
public sealed record RetrievalRequest(string TenantId, IReadOnlyList<string> KnowledgeBaseIds, string Query)
{
    public int? Top { get; init; }
    public RetrievalMode Mode { get; init; } = RetrievalMode.Hybrid;

    /// <summary>The knowledge base's settings; null fields (or null) take the configured defaults.</summary>
    public RetrievalSettings? Settings { get; init; }

    /// <summary>Optional narrowing: documents, tags, effective dates (tenant and knowledge bases come from above).</summary>
    public IReadOnlyList<string>? DocumentIds { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public DateOnly? EffectiveFrom { get; init; }
    public DateOnly? EffectiveTo { get; init; }

    /// <summary>False returns the ranking without the relevance floor (evaluation measures ranking, not the cut).</summary>
    public bool ApplyFloor { get; init; } = true;

    /// <summary>False skips the reranker even when one is configured (hybrid mode only reranks).</summary>
    public bool Rerank { get; init; } = true;

    /// <summary>The knowledge bases' embedding model (null: the default); queries are embedded with the model the chunks were.</summary>
    public string? EmbeddingModel { get; init; }

    /// <summary>True for background work (calibration): the query is embedded as such (<see cref="EmbeddingPriority"/>).</summary>
    public bool Background { get; init; }

    /// <summary>Earlier turns of the conversation: a follow-up question is rewritten into a standalone query when a generative model is configured.</summary>
    public IReadOnlyList<HistoryTurn>? History { get; init; }

    /// <summary>The caller's access groups; null: unrestricted (decision 0040).</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>Knowledge bases of other tenants published to this one, searched in the same retrieval (decision 0042).</summary>
    public IReadOnlyList<KnowledgeBaseScope>? Shared { get; init; }

    public ChunkFilter Filter => new(TenantId, KnowledgeBaseIds)
    {
        Groups = Groups,
        Shared = Shared,
        DocumentIds = DocumentIds,
        Tags = Tags,
        EffectiveFrom = EffectiveFrom,
        EffectiveTo = EffectiveTo,
    };
}
