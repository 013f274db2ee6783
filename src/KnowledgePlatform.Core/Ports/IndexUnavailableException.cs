namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// The chunk index cannot be reached (a vector database down or overloaded). Callers may retry later:
/// the API answers 503 with the reason, ingestion retries the job with backoff.
/// </summary>
public sealed class IndexUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
