namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>The file cannot be ingested; <see cref="Code"/> is stable for API clients.</summary>
public sealed class ExtractionException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
