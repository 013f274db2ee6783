using System.ClientModel;
using System.Net;
using System.Runtime.ExceptionServices;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Http;
using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>
/// Embeddings from an OpenAI-compatible endpoint (POST {endpoint}/embeddings with {"model", "input"}): vLLM,
/// text-embeddings-inference, Ollama, llama.cpp, LiteLLM or OpenAI itself, e.g. bge-m3 for multilingual knowledge bases.
/// The call is the OpenAI SDK's through Microsoft.Extensions.AI; around it, this checks every vector against the
/// configured dimension and L2-normalises it, so cosine search behaves the same for every model. The SDK asks for
/// base64 vectors and reads float arrays as well, which is what servers that ignore encoding_format answer. Vectors are
/// taken in the order the endpoint lists them (the SDK does not reorder by "index"; every server we know answers in input order).
/// </summary>
public sealed class OpenAiEmbeddingGenerator(HttpClient http, EmbeddingModelCard card, Uri endpoint, string? apiKey)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(new OpenAI.Embeddings.EmbeddingClient(card.Name, OpenAiCompatibleEndpoint.Credential(apiKey),
        // No retries inside the call: a failed batch fails the ingestion attempt, which the job's own backoff retries.
        // The HttpClient's timeout (IHttpClientFactory client "embedding-model") is the only one, as before the SDK.
        OpenAiCompatibleEndpoint.Options(endpoint, http, Timeout.InfiniteTimeSpan, retries: 0)).AsIEmbeddingGenerator())
{
    /// <summary>The IHttpClientFactory client of OpenAI-compatible embedding endpoints.</summary>
    public const string HttpClientName = "embedding-model";

    private readonly string _embeddings = endpoint.ToString().TrimEnd('/') + "/embeddings";

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var input = values.ToArray();
        if (input.Length == 0) return [];
        GeneratedEmbeddings<Embedding<float>> generated;
        try
        {
            generated = await base.GenerateAsync(input, options, cancellationToken);
        }
        catch (ClientResultException ex) when (ex.Status != 0)
        {
            throw new HttpRequestException($"The embedding endpoint {_embeddings} answered {ex.Status} for model '{card.Name}'.", ex, (HttpStatusCode)ex.Status);
        }
        catch (ClientResultException ex) when (ex.InnerException is HttpRequestException unreachable)
        {
            // No answer at all (connection refused, DNS): the HttpClient's own exception, as callers always got it.
            ExceptionDispatchInfo.Throw(unreachable);
            throw;
        }
        if (generated.Count != input.Length)
            throw new InvalidDataException($"The embedding endpoint returned {generated.Count} vectors for {input.Length} inputs.");
        return new GeneratedEmbeddings<Embedding<float>>(generated.Select(e => new Embedding<float>(Normalized(e.Vector.Span)) { ModelId = card.Name }))
        {
            Usage = generated.Usage,
        };
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata)
            ? new EmbeddingGeneratorMetadata("openai-compatible", endpoint, card.Name, card.Dimension)
            : base.GetService(serviceType, serviceKey);

    private float[] Normalized(ReadOnlySpan<float> vector)
    {
        if (vector.Length != card.Dimension)
            throw new InvalidDataException($"The model '{card.Name}' returned {vector.Length}-dimensional vectors; its Dimension is configured as {card.Dimension}.");
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(vector));
        var result = vector.ToArray();
        if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(result, norm, result);
        return result;
    }
}
