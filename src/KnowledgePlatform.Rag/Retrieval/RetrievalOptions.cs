using System.ComponentModel.DataAnnotations;
using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>
/// Configuration section "Retrieval": limits, the relevance floor, and the defaults of every knowledge
/// base's <see cref="RetrievalSettings"/> (a knowledge base overrides only what it sets).
/// </summary>
public sealed class RetrievalOptions
{
    public const string Section = "Retrieval";

    /// <summary>Chunks returned to the caller (and given to the answerer).</summary>
    [Range(1, 100)]
    public int Top { get; set; } = 6;

    /// <summary>Candidates taken from each signal (dense, BM25) before fusion.</summary>
    [Range(1, 1000)]
    public int Candidates { get; set; } = 40;

    public FusionMethod Fusion { get; set; } = FusionMethod.Convex;

    /// <summary>The k of reciprocal rank fusion: larger flattens the advantage of the top ranks.</summary>
    [Range(1, 1000)]
    public int RrfK { get; set; } = 60;

    [Range(0.0, 10.0)]
    public double DenseWeight { get; set; } = 0.5;

    [Range(0.0, 10.0)]
    public double KeywordWeight { get; set; } = 1.0;

    public NeighbourExpansion Neighbours { get; set; } = NeighbourExpansion.None;

    /// <summary>
    /// Relevance floor on the dense cosine similarity: evidence below it is not used, so a question
    /// the knowledge base cannot answer gets "not found" rather than noise.
    /// </summary>
    [Range(-1.0, 1.0)]
    public double MinSimilarity { get; set; } = 0.6;

    /// <summary>
    /// A candidate under the similarity floor still counts as evidence when BM25 ranked it among its
    /// best three and it contains at least this share of the query's content words (codes, names and
    /// numbers that embeddings blur, such as "error E07").
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinKeywordCoverage { get; set; } = 0.6;

    /// <summary>A knowledge base's settings with every unset field taken from this configuration.</summary>
    public RetrievalSettings Resolve(RetrievalSettings? settings) => new()
    {
        Fusion = settings?.Fusion ?? Fusion,
        DenseWeight = settings?.DenseWeight ?? DenseWeight,
        KeywordWeight = settings?.KeywordWeight ?? KeywordWeight,
        RrfK = settings?.RrfK ?? RrfK,
        Neighbours = settings?.Neighbours ?? Neighbours,
    };
}
