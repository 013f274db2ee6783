namespace KnowledgePlatform.Rag.Retrieval;

/// <param name="Hits">Fused results above the relevance floor, best first.</param>
/// <param name="Rejected">Candidates that ranked but fell below the floor (for the playground).</param>
public sealed record RetrievalResult(IReadOnlyList<RetrievedChunk> Hits, IReadOnlyList<RetrievedChunk> Rejected, TimeSpan EmbeddingTime, TimeSpan SearchTime)
{
    /// <summary>The query searched: the question, or its standalone rewrite when it followed a conversation.</summary>
    public string Query { get; init; } = "";

    public TimeSpan RerankTime { get; init; }

    /// <summary>Every fused candidate, best first, before the floor and the cut to the top: what the evidence gate reads.</summary>
    public IReadOnlyList<RetrievedChunk> Candidates { get; init; } = [];
}
