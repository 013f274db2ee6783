using System.Net.Http.Json;
using System.Text.Json.Serialization;
using KnowledgePlatform.Core.Ports;
using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>
/// Embeddings from an OpenAI-compatible endpoint (POST {endpoint}/embeddings with {"model", "input"}):
/// vLLM, text-embeddings-inference, Ollama, LiteLLM or OpenAI itself, e.g. bge-m3 for multilingual
/// knowledge bases. Vectors are L2-normalised here, so cosine search behaves the same for every model.
/// </summary>
public sealed class OpenAiEmbeddingGenerator(HttpClient http, EmbeddingModelCard card, Uri endpoint, string? apiKey) : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The IHttpClientFactory client of OpenAI-compatible embedding endpoints.</summary>
    public const string HttpClientName = "embedding-model";

    private readonly Uri _embeddings = new(endpoint.ToString().TrimEnd('/') + "/embeddings");

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var input = values.ToArray();
        if (input.Length == 0) return [];
        using var request = new HttpRequestMessage(HttpMethod.Post, _embeddings) { Content = JsonContent.Create(new EmbeddingRequest(card.Name, input)) };
        if (!string.IsNullOrEmpty(apiKey)) request.Headers.Authorization = new("Bearer", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"The embedding endpoint {_embeddings} answered {(int)response.StatusCode} for model '{card.Name}'.", null, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<EmbeddingResponse>(cancellationToken)
            ?? throw new InvalidDataException($"The embedding endpoint {_embeddings} returned no body.");
        if (body.Data.Count != input.Length)
            throw new InvalidDataException($"The embedding endpoint returned {body.Data.Count} vectors for {input.Length} inputs.");

        var vectors = new float[input.Length][];
        foreach (var item in body.Data)
        {
            if (item.Index < 0 || item.Index >= input.Length || vectors[item.Index] is not null)
                throw new InvalidDataException($"The embedding endpoint returned an unexpected index {item.Index}.");
            if (item.Embedding.Length != card.Dimension)
                throw new InvalidDataException($"The model '{card.Name}' returned {item.Embedding.Length}-dimensional vectors; its Dimension is configured as {card.Dimension}.");
            var norm = MathF.Sqrt(item.Embedding.Sum(x => x * x));
            vectors[item.Index] = norm > 0 ? item.Embedding.Select(x => x / norm).ToArray() : item.Embedding;
        }
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = card.Name }));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("openai-compatible", endpoint, card.Name, card.Dimension)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => http.Dispose();

    private sealed record EmbeddingRequest([property: JsonPropertyName("model")] string Model, [property: JsonPropertyName("input")] string[] Input);

    private sealed record EmbeddingResponse([property: JsonPropertyName("data")] List<EmbeddingItem> Data);

    private sealed record EmbeddingItem([property: JsonPropertyName("index")] int Index, [property: JsonPropertyName("embedding")] float[] Embedding);
}
