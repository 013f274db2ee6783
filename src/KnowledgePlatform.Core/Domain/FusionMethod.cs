namespace KnowledgePlatform.Core.Domain;

/// <summary>How dense and BM25 results are combined.</summary>
public enum FusionMethod
{
    /// <summary>Weighted reciprocal rank fusion: Σ weight / (k + rank). Uses ranks only.</summary>
    Rrf,
    /// <summary>
    /// Convex combination of normalised scores: w·dense + (1 − w)·bm25, each signal min-max normalised
    /// over its own top 20. Uses how far ahead a candidate is, not just its rank.
    /// </summary>
    Convex,
}
