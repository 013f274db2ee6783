namespace KnowledgePlatform.Core.Domain;

/// <summary>
/// A knowledge base's retrieval settings. A null field takes the configured default (the Retrieval
/// section), so a knowledge base only records what a curator or a fitted evaluation changed.
/// </summary>
public sealed record RetrievalSettings
{
    public FusionMethod? Fusion { get; init; }
    /// <summary>Weight of the dense signal; with convex fusion the keyword signal gets the rest of 1.</summary>
    public double? DenseWeight { get; init; }
    /// <summary>Weight of the BM25 signal in reciprocal rank fusion.</summary>
    public double? KeywordWeight { get; init; }
    /// <summary>The k of reciprocal rank fusion.</summary>
    public int? RrfK { get; init; }
    public NeighbourExpansion? Neighbours { get; init; }
}
