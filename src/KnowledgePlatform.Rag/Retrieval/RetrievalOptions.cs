using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>Configuration section "Retrieval": defaults for every knowledge base.</summary>
public sealed class RetrievalOptions
{
    public const string Section = "Retrieval";

    /// <summary>Chunks returned to the caller (and given to the answerer).</summary>
    [Range(1, 100)]
    public int Top { get; set; } = 6;

    /// <summary>Candidates taken from each signal (dense, BM25) before fusion.</summary>
    [Range(1, 1000)]
    public int Candidates { get; set; } = 40;

    /// <summary>The k of reciprocal rank fusion: larger flattens the advantage of the top ranks.</summary>
    [Range(1, 1000)]
    public int RrfK { get; set; } = 60;

    [Range(0.0, 10.0)]
    public double DenseWeight { get; set; } = 1.0;

    [Range(0.0, 10.0)]
    public double KeywordWeight { get; set; } = 1.0;

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
}
