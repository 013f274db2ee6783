using System.Text;
using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Exceptions;

namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>
/// PDF via PdfPig: text in reading order with page numbers; lines in a noticeably larger font (or bold
/// short lines) become headings; runs of lines whose words line up in columns become tables with
/// their first row as header. Encrypted, corrupt and scanned (text-less) PDFs are refused.
/// </summary>
public sealed partial class PdfExtractor : IDocumentExtractor
{
    public FileFormat Format => FileFormat.Pdf;

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        await using var seekable = await SeekableContent.OpenAsync(content, cancellationToken);
        using var pdf = Open(seekable.Stream);
        var reader = new Reader();
        for (var number = 1; number <= pdf.NumberOfPages; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            reader.ReadPage(GetPage(pdf, number));
        }

        if (reader.Letters == 0)
        {
            throw new ExtractionException("no_text",
                "The PDF looks scanned; no text could be extracted (OCR is not supported yet).");
        }

        var title = Text.Normalize(SafeTitle(pdf));
        return new ExtractedDocument(title.Length > 0 ? title : reader.FirstHeading, reader.Blocks.Blocks);
    }

    /// <summary>Opens a PDF, mapping PdfPig's failures to <see cref="ExtractionException"/>s.</summary>
    internal static PdfDocument Open(Stream stream)
    {
        try
        {
            return PdfDocument.Open(stream, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Map(ex);
        }
    }

    internal static Page GetPage(PdfDocument pdf, int number)
    {
        try
        {
            return pdf.GetPage(number);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Map(ex);
        }
    }

    private static ExtractionException Map(Exception ex) => ex is PdfDocumentEncryptedException
        ? new ExtractionException("pdf_encrypted", "The PDF is password-protected; remove the password and upload it again.", ex)
        : new ExtractionException("pdf_corrupt", "The PDF is damaged or incomplete and cannot be read; export or download it again.", ex);

    private static string? SafeTitle(PdfDocument pdf)
    {
        try
        {
            return pdf.Information.Title;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^(page|seite|p\.)?\s*[-–]?\s*\d{1,4}\s*((/|of|von)\s*\d{1,4})?\s*[-–]?$", RegexOptions.IgnoreCase)]
    private static partial Regex PageNumberPattern();

    /// <summary>The state carried across pages: body font size, heading path, blocks.</summary>
    private sealed class Reader
    {
        private readonly Dictionary<double, int> sizes = [];
        private readonly HeadingStack headings = new();
        private int boldLetters;

        /// <summary>The last ruled table, while nothing has been emitted after it (it may continue on the next page).</summary>
        private (PdfRuledTable Table, IReadOnlyList<string> Header)? openTable;

        public BlockList Blocks { get; } = new();

        public long Letters { get; private set; }

        public string? FirstHeading { get; private set; }

        private double BodySize => sizes.Count == 0 ? 0 : sizes.MaxBy(p => (p.Value, -p.Key)).Key;

        private bool BodyBold => boldLetters > Letters / 2;

        public void ReadPage(Page page)
        {
            foreach (var letter in page.Letters)
            {
                if (string.IsNullOrWhiteSpace(letter.Value))
                {
                    continue;
                }

                Letters++;
                var size = Math.Round(letter.PointSize * 2) / 2;
                sizes[size] = sizes.GetValueOrDefault(size) + 1;
                boldLetters += PdfLayout.IsBold(letter) ? 1 : 0;
            }

            var items = PdfLayout.ReadPage(page)
                .Where(i => i is not PdfLine line || !IsPageNumber(line, page.Height))
                .ToList();
            var paragraph = new Paragraph(page.Number);
            for (var i = 0; i < items.Count;)
            {
                switch (items[i])
                {
                    case PdfRuledTable ruled:
                        Flush(paragraph);
                        AddRuledTable(ruled, page.Number, continuesPrevious: i == 0);
                        i++;
                        break;
                    case PdfLine line when IsHeading(line):
                        Flush(paragraph);
                        i = ReadHeading(items, i);
                        openTable = null;
                        break;
                    case PdfLine when TableRun.Read(items, i) is { } table:
                        Flush(paragraph);
                        Blocks.AddTable(table.Header, table.Rows, headings.Path, new SourceSpan(Page: page.Number));
                        openTable = null;
                        i += table.LineCount;
                        break;
                    case PdfLine line:
                        if (paragraph.Breaks(line))
                        {
                            Flush(paragraph);
                        }

                        paragraph.Add(line);
                        i++;
                        break;
                }
            }

            Flush(paragraph);
        }

        /// <summary>
        /// Adds a ruled table. A table that starts a page with the same columns as the table that ended the
        /// previous one is its continuation and gets that table's header.
        /// </summary>
        private void AddRuledTable(PdfRuledTable table, int page, bool continuesPrevious)
        {
            var header = table.Header;
            var rows = table.Rows;
            if (continuesPrevious && openTable is { } previous
                && previous.Table.Columns.Count == table.Columns.Count
                && previous.Table.Columns.Zip(table.Columns).All(p => Math.Abs(p.First - p.Second) < 3)
                && !table.Header.SequenceEqual(previous.Header))
            {
                header = previous.Header;
                rows = [table.Header, .. table.Rows];
            }
            else if (rows.Count == 0)
            {
                // One boxed row on its own is a callout, not a table.
                Blocks.AddParagraph(string.Join(' ', header), headings.Path, new SourceSpan(Page: page));
                openTable = null;
                return;
            }

            Blocks.AddTable(header, rows, headings.Path, new SourceSpan(Page: page));
            openTable = (table, header);
        }

        private void Flush(Paragraph paragraph)
        {
            var before = Blocks.Count;
            var (text, isList) = paragraph.Take();
            if (isList)
            {
                Blocks.AddLines(text, headings.Path, new SourceSpan(Page: paragraph.Page));
            }
            else
            {
                Blocks.AddParagraph(text, headings.Path, new SourceSpan(Page: paragraph.Page));
            }

            if (Blocks.Count > before)
            {
                openTable = null;
            }
        }

        private bool IsHeading(PdfLine line)
        {
            var text = line.Text;
            if (line.Segments.Count > 1 || line.Words > 15 || text.Length > 150 || !text.Any(char.IsLetter))
            {
                return false;
            }

            var body = BodySize;
            var larger = line.FontSize >= body * 1.15 && line.FontSize - body >= 1;
            var boldHeading = line.Bold && !BodyBold && line.FontSize >= body * 0.95 && line.Words <= 12
                && !text.EndsWith('.') && !text.EndsWith(',');
            return larger || boldHeading;
        }

        /// <summary>Reads a heading, joining the lines of one that wraps; returns the index after it.</summary>
        private int ReadHeading(List<PdfItem> items, int start)
        {
            var first = (PdfLine)items[start];
            var text = new StringBuilder(first.Text);
            var end = start + 1;
            while (end < items.Count && items[end] is PdfLine next && items[end - 1] is PdfLine previous && IsHeading(next)
                && Math.Abs(next.FontSize - first.FontSize) < 0.5 && next.Bold == first.Bold
                && previous.Baseline - next.Baseline is > 0 and var gap && gap < 2 * first.FontSize)
            {
                text.Append(' ').Append(next.Text);
                end++;
            }

            var heading = Text.Normalize(text.ToString());
            FirstHeading ??= heading;
            headings.Push((Math.Round(first.FontSize * 2) / 2) + (first.Bold ? 0.25 : 0), heading);
            return end;
        }

        private static bool IsPageNumber(PdfLine line, double pageHeight) =>
            (line.Baseline < pageHeight * 0.1 || line.Baseline > pageHeight * 0.9)
            && line.Text.Length <= 20 && PageNumberPattern().IsMatch(line.Text.Trim());
    }

    /// <summary>Lines of running text collected into one paragraph, or list items into one list.</summary>
    private sealed class Paragraph(int page)
    {
        private readonly StringBuilder text = new();
        private readonly List<StringBuilder> items = [];
        private PdfLine? last;
        private double left = double.MaxValue;
        private double right;
        private double itemLeft;

        public int Page { get; } = page;

        /// <summary>True when <paramref name="line"/> starts a new paragraph rather than continuing this one.</summary>
        public bool Breaks(PdfLine line)
        {
            if (last is null)
            {
                return false;
            }

            var gap = last.Baseline - line.Baseline;
            var size = Math.Max(last.FontSize, line.FontSize);
            if (gap <= 0 || gap > 1.8 * size || Math.Abs(last.FontSize - line.FontSize) > 1)
            {
                return true;
            }

            if (items.Count > 0)
            {
                // A list goes on with the next item, or with a line indented past the item's bullet.
                return ListItem(line) is null && line.Left <= itemLeft + 1;
            }

            var lastIsShort = last.Right < right - (0.15 * (right - left)) && last.Text.TrimEnd() is [.., '.' or '!' or '?' or ':'];
            return lastIsShort || ListItem(line) is not null;
        }

        public void Add(PdfLine line)
        {
            if (ListItem(line) is { } item)
            {
                items.Add(new StringBuilder(item));
                itemLeft = line.Left;
            }
            else
            {
                Text.AppendWrapped(items.Count > 0 ? items[^1] : text, line.Text);
            }

            left = Math.Min(left, line.Left);
            right = Math.Max(right, line.Right);
            last = line;
        }

        /// <summary>The paragraph's text (list items as "- item" lines) and whether it is a list; resets.</summary>
        public (string Text, bool IsList) Take()
        {
            var result = items.Count > 0
                ? (string.Join('\n', items.Select(i => Text.ListItem(Text.Normalize(i.ToString())))), true)
                : (text.ToString(), false);
            text.Clear();
            items.Clear();
            last = null;
            left = double.MaxValue;
            right = 0;
            return result;
        }

        /// <summary>The item text of a line that starts a list item ("• text", "- text", "1. text"), else null.</summary>
        private static string? ListItem(PdfLine line)
        {
            var parts = line.Text.Split(' ', 2);
            if (parts.Length < 2 || !PdfLayout.Marker().IsMatch(parts[0]))
            {
                return null;
            }

            // Bullets are dropped (the list gets its own "- "); item numbers are part of the text.
            return char.IsLetterOrDigit(parts[0][0]) ? line.Text : parts[1];
        }
    }

    /// <summary>Consecutive lines whose segments line up in the same columns; the first line is the header.</summary>
    private sealed record TableRun(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, int LineCount)
    {
        public static TableRun? Read(List<PdfItem> items, int start)
        {
            if (items[start] is not PdfLine { Segments.Count: >= 2 } first)
            {
                return null;
            }

            var segments = first.Segments;
            var gaps = Enumerable.Range(0, segments.Count - 1).Select(i => (Left: segments[i].Right, Right: segments[i + 1].Left)).ToList();
            var boundaries = gaps.Select(g => (g.Left + g.Right) / 2).ToList();
            var rows = new List<string[]>();
            var end = start + 1;
            for (; end < items.Count && items[end] is PdfLine line && items[end - 1] is PdfLine previous; end++)
            {
                var gap = previous.Baseline - line.Baseline;
                if (gap <= 0 || gap > 2.5 * Math.Max(line.FontSize, previous.FontSize)
                    || line.Segments.Any(s => boundaries.Any(b => s.Left < b && b < s.Right)))
                {
                    break;
                }

                if (line.Segments.Count >= 2)
                {
                    var lineGaps = Enumerable.Range(0, line.Segments.Count - 1).Select(i => (Left: line.Segments[i].Right, Right: line.Segments[i + 1].Left));
                    if (!lineGaps.All(lg => gaps.Any(g => lg.Left < g.Right && g.Left < lg.Right)))
                    {
                        break;
                    }

                    rows.Add(Cells(line, boundaries));
                }
                else if (rows.Count > 0 && Column(line.Segments[0], boundaries) > 0)
                {
                    // A wrapped cell: its text continues the previous row's cell in that column.
                    var column = Column(line.Segments[0], boundaries);
                    var cell = new StringBuilder(rows[^1][column]);
                    Text.AppendWrapped(cell, line.Segments[0].Text);
                    rows[^1][column] = cell.ToString();
                }
                else
                {
                    break;
                }
            }

            return rows.Count == 0
                ? null
                : new TableRun(Cells(first, boundaries), rows, end - start);
        }

        private static int Column(PdfSegment segment, List<double> boundaries) =>
            boundaries.Count(b => b <= (segment.Left + segment.Right) / 2);

        private static string[] Cells(PdfLine line, List<double> boundaries)
        {
            var cells = new string[boundaries.Count + 1];
            foreach (var segment in line.Segments)
            {
                var column = Column(segment, boundaries);
                cells[column] = cells[column] is null ? segment.Text : $"{cells[column]} {segment.Text}";
            }

            return Array.ConvertAll(cells, c => c ?? string.Empty);
        }
    }
}
