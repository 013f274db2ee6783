namespace KnowledgePlatform.Core.Ports;

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
