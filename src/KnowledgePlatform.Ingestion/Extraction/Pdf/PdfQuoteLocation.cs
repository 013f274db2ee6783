namespace KnowledgePlatform.Ingestion.Extraction.Pdf;

/// <summary>A highlighted stretch of one line on a PDF page, as fractions of the page's width and height from its top left corner.</summary>
public sealed record PageBox(int Page, double Left, double Top, double Width, double Height);

/// <summary>Where quoted words stand in a PDF: the page to open and the boxes to highlight (none when they could not be placed).</summary>
public sealed record PdfQuoteLocation(int Page, int PageCount, IReadOnlyList<PageBox> Boxes);
