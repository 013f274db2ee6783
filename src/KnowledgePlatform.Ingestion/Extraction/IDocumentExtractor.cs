namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>Turns one file format into an <see cref="ExtractedDocument"/>.</summary>
public interface IDocumentExtractor
{
    FileFormat Format { get; }

    /// <summary>
    /// Extracts the document. Throws <see cref="ExtractionException"/> with a message a curator
    /// understands when the content is corrupt, encrypted, empty or not what it claims to be.
    /// </summary>
    Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken);
}

public enum FileFormat
{
    Unknown,
    Pdf,
    Docx,
    Html,
    Markdown,
    PlainText,
    Csv,
    Xlsx,
    JsonLines,
}

/// <summary>The file cannot be ingested; <see cref="Code"/> is stable for API clients.</summary>
public sealed class ExtractionException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
