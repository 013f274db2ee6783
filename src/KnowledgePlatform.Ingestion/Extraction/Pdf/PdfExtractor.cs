// Over 300 lines: text layer, reading order, headings by font size, tables and OCR fallback are one pass over each page.
using System.Text;
using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Exceptions;

namespace KnowledgePlatform.Ingestion.Extraction.Pdf;

/// <summary>
/// PDF via PdfPig: text in reading order with page numbers; lines in a noticeably larger font (or bold
/// short lines) become headings; runs of lines whose words line up in columns become tables with
/// their first row as header. Pages without a text layer but with an image (scans, faxes) are read by OCR
/// when a recogniser is given (decision 0081), keeping their page numbers. Encrypted and corrupt PDFs are refused.
/// </summary>
public sealed partial class PdfExtractor(Ocr.ITextRecognizer? ocr = null) : IDocumentExtractor
{
    public FileFormat Format => FileFormat.Pdf;

    public Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken) =>
        ExtractAsync(content, fileName, new ExtractionSettings(), cancellationToken);

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, ExtractionSettings settings, CancellationToken cancellationToken)
    {
        await using var seekable = await SeekableContent.OpenAsync(content, cancellationToken);
        using var pdf = Open(seekable.Stream);
        await using var scans = new Ocr.ScannedPages(ocr, seekable.Stream, settings);
        var reader = new Reader();
        for (var number = 1; number <= pdf.NumberOfPages; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = GetPage(pdf, number);
            if (page.Letters.Any(l => !string.IsNullOrWhiteSpace(l.Value)) || !page.GetImages().Any())
            {
                reader.ReadPage(page);
            }
            else if (await scans.RecognizeAsync(number, pdf.NumberOfPages, cancellationToken) is { } recognized)
            {
                reader.AddRecognized(recognized);
            }
        }

        if (reader.Blocks.Count == 0)
        {
            throw scans.NoText();
        }

        var title = Text.Normalize(SafeTitle(pdf));
        return new ExtractedDocument(title.Length > 0 ? title : reader.FirstHeading, reader.Blocks.Blocks)
        {
            Recognition = await scans.SummaryAsync(cancellationToken),
        };
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

    [GeneratedRegex(@"^\d{1,2}[.)] ")]
    private static partial Regex NumberedItemPattern();

    [GeneratedRegex(@"^(page|seite|p\.)?\s*[-–]?\s*\d{1,4}\s*((/|of|von)\s*\d{1,4})?\s*[-–]?$", RegexOptions.IgnoreCase)]
    private static partial Regex PageNumberPattern();

    /// <summary>The state carried across pages: body font size, heading path, blocks.</summary>
    private sealed class Reader
    {
        private readonly Dictionary<double, int> sizes = [];
        private readonly HeadingStack headings = new();
        private int boldLetters;

        /// <summary>A ruled table that ends its page near the bottom: the next page may continue it.</summary>
        private OpenTable? openTable;

        public BlockList Blocks { get; } = new();

        public long Letters { get; private set; }

        public string? FirstHeading { get; private set; }

        private double BodySize => sizes.Count == 0 ? 0 : sizes.MaxBy(p => (p.Value, -p.Key)).Key;

        private bool BodyBold => boldLetters > Letters / 2;

        /// <summary>A page read by OCR: its headings join the heading path like those of text pages (ranked by size).</summary>
        public void AddRecognized(Ocr.RecognizedPage page)
        {
            openTable = null;
            foreach (var paragraph in page.Paragraphs)
            {
                if (paragraph.Heading)
                {
                    FirstHeading ??= paragraph.Text;
                    headings.Push(paragraph.Size, paragraph.Text);
                }
                else
                {
                    Blocks.AddParagraph(paragraph.Text, headings.Path, new SourceSpan(Page: page.Page));
                }
            }
        }

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

            var paragraph = new Paragraph(page.Number);
            var lines = new List<PdfLine>();
            var continued = openTable;
            openTable = null;
            PdfTable? lastTable = null;
            foreach (var item in PdfLayout.Read(page))
            {
                if (item is PdfLine line)
                {
                    if (!IsPageNumber(line, page.Height))
                    {
                        lines.Add(line);
                        lastTable = null;
                        continued = null;
                    }

                    continue;
                }

                var table = (PdfTable)item;
                ReadLines(lines, paragraph, page.Number);
                lines.Clear();
                if (continued is not null && continued.Table.SameLayout(table))
                {
                    // The first thing on the page continues the table that ended the last one: give it that
                    // header, whether the page repeats the header row or starts with a data row.
                    var rows = table.Header.SequenceEqual(continued.Table.Header) ? table.Rows : [table.Header, .. table.Rows];
                    Blocks.AddTable(continued.Table.Header, rows, continued.HeadingPath, new SourceSpan(Page: page.Number));
                    table = table with { Header = continued.Table.Header };
                }
                else
                {
                    Blocks.AddTable(table.Header, table.Rows, headings.Path, new SourceSpan(Page: page.Number));
                }

                continued = null;
                lastTable = table;
            }

            ReadLines(lines, paragraph, page.Number);
            if (lastTable is not null && lastTable.Bottom < page.Height / 3)
            {
                openTable = new OpenTable(lastTable, headings.Path);
            }
        }

        /// <summary>Headings, borderless tables and paragraphs from a run of lines.</summary>
        private void ReadLines(List<PdfLine> lines, Paragraph paragraph, int page)
        {
            for (var i = 0; i < lines.Count;)
            {
                var line = lines[i];
                if (IsHeading(line))
                {
                    Flush(paragraph);
                    i = ReadHeading(lines, i);
                }
                else if (TableRun.Read(lines, i) is { } table)
                {
                    Flush(paragraph);
                    Blocks.AddTable(table.Header, table.Rows, headings.Path, new SourceSpan(Page: page));
                    i += table.LineCount;
                }
                else
                {
                    if (paragraph.Breaks(line))
                    {
                        Flush(paragraph);
                    }

                    paragraph.Add(line);
                    i++;
                }
            }

            Flush(paragraph);
        }

        private void Flush(Paragraph paragraph)
        {
            Blocks.AddParagraph(paragraph.Take(), headings.Path, new SourceSpan(Page: paragraph.Page));
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
        private int ReadHeading(List<PdfLine> lines, int start)
        {
            var first = lines[start];
            var text = new StringBuilder(first.Text);
            var end = start + 1;
            while (end < lines.Count && IsHeading(lines[end])
                && Math.Abs(lines[end].FontSize - first.FontSize) < 0.5 && lines[end].Bold == first.Bold
                && lines[end - 1].Baseline - lines[end].Baseline is > 0 and var gap && gap < 2 * first.FontSize)
            {
                text.Append(' ').Append(lines[end].Text);
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

    private sealed record OpenTable(PdfTable Table, IReadOnlyList<string> HeadingPath);

    /// <summary>Lines of running text collected into one paragraph.</summary>
    private sealed class Paragraph(int page)
    {
        private readonly StringBuilder text = new();
        private PdfLine? last;
        private double left = double.MaxValue;
        private double right;

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
            var lastIsShort = last.Right < right - (0.15 * (right - left)) && last.Text.TrimEnd() is [.., '.' or '!' or '?' or ':'];
            return gap <= 0 || gap > 1.8 * size || Math.Abs(last.FontSize - line.FontSize) > 1
                || lastIsShort || line.Text is ['•' or '▪' or '◦' or '–' or '-' or '*', ' ', ..]
                || (line.Left <= left + 2 && NumberedItemPattern().IsMatch(line.Text));
        }

        public void Add(PdfLine line)
        {
            var lineText = line.Text;
            if (text.Length > 0 && text[^1] == '-' && lineText.Length > 0 && char.IsLower(lineText[0])
                && text.Length > 1 && char.IsLetter(text[^2]))
            {
                text.Length--; // "infor-" + "mation": the hyphen only split the word across lines.
            }
            else if (text.Length > 1 && text[^1] == '-' && char.IsAsciiDigit(text[^2]) && lineText.Length > 0 && char.IsAsciiDigit(lineText[0]))
            {
                // "1-800-555-" + "0199": a number broken after a hyphen continues without a space.
            }
            else if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(lineText);
            left = Math.Min(left, line.Left);
            right = Math.Max(right, line.Right);
            last = line;
        }

        public string Take()
        {
            var result = text.ToString();
            text.Clear();
            last = null;
            left = double.MaxValue;
            right = 0;
            return result;
        }
    }

    /// <summary>Consecutive lines whose segments line up in the same columns; the first line is the header.</summary>
    private sealed record TableRun(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, int LineCount)
    {
        public static TableRun? Read(List<PdfLine> lines, int start)
        {
            var first = lines[start];
            if (first.Segments.Count < 2)
            {
                return null;
            }

            var segments = first.Segments;
            var gaps = Enumerable.Range(0, segments.Count - 1).Select(i => (Left: segments[i].Right, Right: segments[i + 1].Left)).ToList();
            var boundaries = gaps.Select(g => (g.Left + g.Right) / 2).ToList();
            var rows = new List<string[]>();
            var end = start + 1;
            for (; end < lines.Count; end++)
            {
                var line = lines[end];
                var gap = lines[end - 1].Baseline - line.Baseline;
                if (gap <= 0 || gap > 2.5 * Math.Max(line.FontSize, lines[end - 1].FontSize)
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
                    rows[^1][column] = $"{rows[^1][column]} {line.Segments[0].Text}".Trim();
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
