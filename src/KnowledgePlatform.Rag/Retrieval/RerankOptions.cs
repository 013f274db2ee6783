using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>Configuration section "Rerank": an HTTP cross-encoder that reorders the fused candidates. Off without an endpoint.</summary>
public sealed class RerankOptions
{
    public const string Section = "Rerank";

    /// <summary>
    /// The full URL of the rerank call, e.g. http://tei:8080/rerank (text-embeddings-inference) or
    /// http://vllm:8000/v1/rerank (Jina/Cohere style). Empty: no reranking.
    /// </summary>
    [Url]
    public string? Endpoint { get; set; }

    /// <summary>"tei" ({query, texts} → [{index, score}]) or "jina" ({model, query, documents} → {results: [{index, relevance_score}]}).</summary>
    [RegularExpression("^(tei|jina)$", ErrorMessage = "Rerank:Api must be 'tei' or 'jina'.")]
    public string Api { get; set; } = "tei";

    /// <summary>Model name sent with Jina-style requests.</summary>
    public string? Model { get; set; }

    /// <summary>Sent as a bearer token when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How many of the best fused candidates are reranked; the rest keep their fused order below them.</summary>
    [Range(1, 200)]
    public int Candidates { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);
}
