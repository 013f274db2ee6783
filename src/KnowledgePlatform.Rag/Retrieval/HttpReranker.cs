using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Rag.Retrieval;

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
