using KnowledgePlatform.Ingestion.Extraction.Pdf;

namespace KnowledgePlatform.Server.Api;

/// <summary>A stretch of the extracted text to mark, in UTF-16 characters.</summary>
public sealed record TextMark(int Start, int Length);

/// <summary>
/// Where a cited passage stands in its document (decision 0146). A PDF: the page to open and the boxes to highlight on it
/// (fractions of the page from its top left corner). Other formats: the extracted text and the stretch to mark. No boxes
/// or marks: the quoted words could not be placed (redacted, edited, or not given).
/// </summary>
public sealed record DocumentPassageDto(
    string DocumentId, string FileName, string Title, string Format, int Version, string ContentUrl, string? ChunkId, string? Quote)
{
    public int? Page { get; init; }
    public int? PageCount { get; init; }
    public IReadOnlyList<PageBox> Boxes { get; init; } = [];
    public string? Text { get; init; }
    public IReadOnlyList<TextMark> Marks { get; init; } = [];
}
