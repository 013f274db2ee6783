using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Tests.Fakes;

/// <summary>
/// A deterministic stand-in for an embedding model: each word of a small vocabulary is one axis, so
/// texts sharing words are close. Enough to test what the retriever does with similarities.
/// </summary>
internal sealed class WordEmbeddings(params string[] vocabulary) : IEmbeddingGenerator<string, Embedding<float>>
{
    public int Dimension => vocabulary.Length + 1;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));

    private float[] Embed(string text)
    {
        var vector = new float[Dimension];
        vector[^1] = 0.1f; // never all zero
        foreach (var word in text.ToLowerInvariant().Split([' ', '.', ',', '?', '\n', ':'], StringSplitOptions.RemoveEmptyEntries))
            if (Array.IndexOf(vocabulary, word) is >= 0 and var i) vector[i] += 1;
        var norm = MathF.Sqrt(vector.Sum(x => x * x));
        return vector.Select(x => x / norm).ToArray();
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
