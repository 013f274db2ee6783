using System.ComponentModel.DataAnnotations;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

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

/// <summary>
/// Scores (query, passage) pairs with a cross-encoder served over HTTP: text-embeddings-inference's
/// /rerank or a Jina/Cohere-style /v1/rerank (vLLM, Infinity, Jina). Returns one score per passage, in
/// the passages' order; higher is more relevant.
/// </summary>
public sealed class HttpReranker(HttpClient http, IOptions<RerankOptions> options)
{
    /// <summary>The IHttpClientFactory client of the reranker endpoint.</summary>
    public const string HttpClientName = "reranker";

    public bool Enabled => options.Value.Enabled;

    public int Candidates => options.Value.Candidates;

    public async Task<IReadOnlyList<double>> ScoreAsync(string query, IReadOnlyList<string> passages, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled) throw new InvalidOperationException("No reranker is configured (Rerank:Endpoint).");
        if (passages.Count == 0) return [];
        object body = o.Api == "jina"
            ? new { model = o.Model, query, documents = passages, top_n = passages.Count }
            : new { query, texts = passages, truncate = true };
        using var request = new HttpRequestMessage(HttpMethod.Post, o.Endpoint) { Content = JsonContent.Create(body) };
        if (!string.IsNullOrEmpty(o.ApiKey)) request.Headers.Authorization = new("Bearer", o.ApiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.Timeout);
        using var response = await http.SendAsync(request, timeout.Token);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);

        // TEI answers a bare array; Jina and Cohere wrap it in "results" and call the score "relevance_score".
        var items = json.ValueKind == JsonValueKind.Array ? json : json.GetProperty("results");
        var scores = new double?[passages.Count];
        foreach (var item in items.EnumerateArray())
        {
            var index = item.GetProperty("index").GetInt32();
            var score = item.TryGetProperty("relevance_score", out var relevance) ? relevance.GetDouble() : item.GetProperty("score").GetDouble();
            if (index >= 0 && index < scores.Length) scores[index] = score;
        }
        if (scores.Any(s => s is null))
            throw new InvalidDataException($"The reranker scored {scores.Count(s => s is not null)} of {passages.Count} passages.");
        return scores.Select(s => s!.Value).ToList();
    }
}
