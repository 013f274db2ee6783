namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// What the rest of the platform needs to know about the configured embedding model, besides the
/// <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput,TEmbedding}"/> that runs it.
/// </summary>
/// <param name="Name">Recorded per knowledge base; a different model means re-embedding.</param>
/// <param name="Dimension">Vector length; indexes are created with it.</param>
/// <param name="MaxTokens">Longest input the model sees; longer text is truncated by the model.</param>
/// <param name="QueryPrefix">Prepended to queries (not to documents) for asymmetric retrieval models.</param>
public sealed record EmbeddingModelCard(string Name, int Dimension, int MaxTokens, string QueryPrefix);

/// <summary>Counts tokens the way the embedding model's own tokenizer does, so chunks fit the model.</summary>
public interface ITokenCounter
{
    int CountTokens(string text);
}

/// <summary>A configured embedding model: what it is and what runs it.</summary>
public sealed record EmbeddingModel(EmbeddingModelCard Card, Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> Generator);

/// <summary>
/// The embedding models this installation can use, by name. The first is the default for new knowledge
/// bases; each knowledge base records the model its chunks were embedded with, and its queries are
/// embedded with that same model. The registry owns the generators: disposing it releases them (an ONNX
/// session holds a couple of hundred megabytes of native memory that the garbage collector does not see).
/// </summary>
public sealed class EmbeddingModelRegistry : IDisposable
{
    private readonly IReadOnlyList<EmbeddingModel> _models;

    public EmbeddingModelRegistry(IReadOnlyList<EmbeddingModel> models)
    {
        if (models.Count == 0) throw new ArgumentException("At least one embedding model is needed.", nameof(models));
        if (models.GroupBy(m => m.Card.Name).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            throw new ArgumentException($"The embedding model '{duplicate.Key}' is configured twice.", nameof(models));
        _models = models;
    }

    public EmbeddingModel Default => _models[0];

    public IReadOnlyList<EmbeddingModelCard> Cards => _models.Select(m => m.Card).ToList();

    public bool Contains(string name) => _models.Any(m => m.Card.Name == name);

    /// <summary>The named model (null: the default).</summary>
    public EmbeddingModel Get(string? name) =>
        name is null ? Default
        : _models.FirstOrDefault(m => m.Card.Name == name)
          ?? throw new EmbeddingModelUnavailableException(name, _models.Select(m => m.Card.Name).ToList());

    public void Dispose()
    {
        foreach (var model in _models) model.Generator.Dispose();
    }
}

/// <summary>A knowledge base names an embedding model this installation does not configure (any more).</summary>
public sealed class EmbeddingModelUnavailableException(string name, IReadOnlyList<string> configured)
    : InvalidOperationException($"The embedding model '{name}' is not configured here (configured: {string.Join(", ", configured)}). " +
        "Configure it under Embedding, or re-embed the knowledge base with a configured model (kp reembed).")
{
    public string Model => name;
}
