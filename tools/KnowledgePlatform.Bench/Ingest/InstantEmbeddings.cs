using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Bench.Ingest;

/// <summary>
/// A stand-in for the embedding model that answers at once (<c>kp-bench ingest --without-model</c>): a unit vector
/// seeded by each text, so documents still differ in the vector index. What a run with it costs is the pipeline's
/// own work, without the model's.
/// </summary>
internal sealed class InstantEmbeddings(int dimension) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var text in values)
        {
            var random = new Random(StringComparer.Ordinal.GetHashCode(text));
            var vector = new float[dimension];
            var norm = 0.0;
            for (var i = 0; i < dimension; i++) norm += (vector[i] = (float)(random.NextDouble() - 0.5)) * vector[i];
            var scale = (float)(1 / Math.Sqrt(norm));
            for (var i = 0; i < dimension; i++) vector[i] *= scale;
            embeddings.Add(new Embedding<float>(vector));
        }
        return Task.FromResult(embeddings);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
