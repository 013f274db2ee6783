namespace KnowledgePlatform.Core.Ports;

/// <summary>A configured embedding model: what it is and what runs it.</summary>
public sealed record EmbeddingModel(EmbeddingModelCard Card, Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> Generator);
