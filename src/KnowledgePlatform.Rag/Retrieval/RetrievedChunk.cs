using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>A fused result with each signal's own score and rank kept, so people can see why it ranked.</summary>
public sealed record RetrievedChunk(ChunkPayload Chunk, double Score, double? DenseScore, int? DenseRank, double? KeywordScore, int? KeywordRank)
{
    /// <summary>The reranker's score, when one reordered the candidates.</summary>
    public double? RerankScore { get; init; }

    /// <summary>Neighbouring chunks of the same document (adjacent ones or the rest of the section), in order, when the knowledge base expands hits.</summary>
    public IReadOnlyList<ChunkPayload> Context { get; init; } = [];
}
