namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>
/// A document as structure rather than a flat string: blocks in reading order, each knowing the
/// headings above it and where it came from (page or line).
/// </summary>
public sealed record ExtractedDocument(string? Title, IReadOnlyList<Block> Blocks)
{
    /// <summary>Set when pages were read by OCR (decision 0081): how many, in which languages, how confidently.</summary>
    public Core.Domain.TextRecognition? Recognition { get; init; }
}

/// <summary>Where a block sits in its source: a 1-based page (PDF) or line (text formats), when known.</summary>
public sealed record SourceSpan(int? Page = null, int? Line = null);

public abstract record Block(IReadOnlyList<string> HeadingPath, SourceSpan Source);

/// <summary>Running text: a paragraph, a list (items joined by newlines, each starting "- ") or a quote.</summary>
public sealed record ParagraphBlock(string Text, IReadOnlyList<string> HeadingPath, SourceSpan Source)
    : Block(HeadingPath, Source);

/// <summary>A table with its header row; the chunker never separates rows from their header.</summary>
public sealed record TableBlock(
    IReadOnlyList<string> Header,
    IReadOnlyList<IReadOnlyList<string>> Rows,
    IReadOnlyList<string> HeadingPath,
    SourceSpan Source,
    string? Caption = null)
    : Block(HeadingPath, Source);

/// <summary>A question and its answer (FAQ rows, "### Question" + answer); kept whole in one chunk.</summary>
public sealed record QuestionAnswerBlock(string Question, string Answer, IReadOnlyList<string> HeadingPath, SourceSpan Source)
    : Block(HeadingPath, Source);
