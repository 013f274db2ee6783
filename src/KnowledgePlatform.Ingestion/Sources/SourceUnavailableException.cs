namespace KnowledgePlatform.Ingestion.Sources;

/// <summary>The source cannot be read at all (no such folder, robots.txt disallows the start); the sync fails and removes nothing.</summary>
public sealed class SourceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
