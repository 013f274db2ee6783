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

/// <summary>A recognised page: paragraphs in reading order, how many words, and their mean confidence (0-100).</summary>
public sealed record RecognizedPage(int Page, IReadOnlyList<RecognizedParagraph> Paragraphs, int Words, double Confidence);

/// <summary>A paragraph of recognised text; a heading when it is one short line set clearly larger than the page's text.</summary>
/// <param name="Size">The text height in points (what a heading's rank is compared by).</param>
public sealed record RecognizedParagraph(string Text, bool Heading, double Size);
