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

    /// <summary>Extracts the document with the knowledge base's settings (OCR languages) and a way to report progress.</summary>
    Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, ExtractionSettings settings, CancellationToken cancellationToken) =>
        ExtractAsync(content, fileName, cancellationToken);
}
