namespace KnowledgePlatform.ModelHost;

/// <summary>Whether the models are loaded: what /health/ready answers (the Kubernetes readiness probe).</summary>
public sealed class ModelReadiness
{
    private volatile bool _loaded;

    public bool Loaded
    {
        get => _loaded;
        set => _loaded = value;
    }
}
