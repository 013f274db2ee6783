namespace KnowledgePlatform.Ingestion.Extraction.Ocr;

/// <summary>Reads the text of PDF pages that have no text layer (scans, faxes) from their image (decision 0081).</summary>
public interface ITextRecognizer
{
    /// <summary>
    /// Whether pages can be read in <paramref name="languages"/> ('+'-joined language packs): null when they can,
    /// otherwise what is missing and exactly what to install.
    /// </summary>
    Task<string?> ProblemAsync(string languages, CancellationToken cancellationToken);

    /// <summary>The engine and its version, as the document records it ("tesseract 5.3.0").</summary>
    Task<string> EngineAsync(CancellationToken cancellationToken);

    /// <summary>Rasterises page <paramref name="page"/> (1-based) of the PDF file and recognises its text.</summary>
    Task<RecognizedPage> RecognizeAsync(string pdfPath, int page, string languages, CancellationToken cancellationToken);
}
