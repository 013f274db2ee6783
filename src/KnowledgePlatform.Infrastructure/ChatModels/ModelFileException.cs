using System.Text;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>A GGUF file that is damaged, truncated, or not one llama.cpp can load; the message says why in plain words.</summary>
public sealed class ModelFileException(string message) : Exception(message);
