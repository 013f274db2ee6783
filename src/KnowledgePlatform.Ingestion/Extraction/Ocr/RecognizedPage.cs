namespace KnowledgePlatform.Ingestion.Extraction.Ocr;

/// <summary>A recognised page: paragraphs in reading order, how many words, and their mean confidence (0-100).</summary>
public sealed record RecognizedPage(int Page, IReadOnlyList<RecognizedParagraph> Paragraphs, int Words, double Confidence);

/// <summary>A paragraph of recognised text; a heading when it is one short line set clearly larger than the page's text.</summary>
/// <param name="Size">The text height in points (what a heading's rank is compared by).</param>
public sealed record RecognizedParagraph(string Text, bool Heading, double Size);
