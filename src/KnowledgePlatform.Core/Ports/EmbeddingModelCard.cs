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
