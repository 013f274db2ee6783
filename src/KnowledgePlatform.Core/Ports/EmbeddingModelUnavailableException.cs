namespace KnowledgePlatform.Core.Ports;

/// <summary>A knowledge base names an embedding model this installation does not configure (any more).</summary>
public sealed class EmbeddingModelUnavailableException(string name, IReadOnlyList<string> configured)
    : InvalidOperationException($"The embedding model '{name}' is not configured here (configured: {string.Join(", ", configured)}). " +
        "Configure it under Embedding, or re-embed the knowledge base with a configured model (kp reembed).")
{
    public string Model => name;
}
