using System.Text;
using KnowledgePlatform.Ingestion.Extraction.Html;
using KnowledgePlatform.Ingestion.Extraction.Office;
using KnowledgePlatform.Ingestion.Extraction.Pdf;
using KnowledgePlatform.Ingestion.Extraction.TextFormats;

namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>The extractor for each format, and a quick preflight check for uploads.</summary>
public sealed class ExtractorRegistry(IEnumerable<IDocumentExtractor> extractors)
{
    /// <summary>How far into a text file the preflight looks for a non-blank character.</summary>
    private const int MaxTextProbeBytes = 1024 * 1024;

    // A later registration for the same format replaces an earlier one.
    private readonly Dictionary<FileFormat, IDocumentExtractor> byFormat = extractors
        .GroupBy(e => e.Format)
        .ToDictionary(g => g.Key, g => g.Last());

    /// <summary>The formats an extractor is registered for.</summary>
    public IReadOnlyCollection<FileFormat> Formats => byFormat.Keys;

    /// <summary>The extractor for a format; "unsupported_type" when there is none.</summary>
    public IDocumentExtractor For(FileFormat format) =>
        byFormat.TryGetValue(format, out var extractor)
            ? extractor
            : throw new ExtractionException("unsupported_type", $"Files of type '{format}' cannot be read.");

    /// <summary>One extractor per supported format; scanned PDF pages are read with <paramref name="ocr"/> when given (decision 0081).</summary>
    public static IReadOnlyList<IDocumentExtractor> CreateDefault(Ocr.ITextRecognizer? ocr = null) =>
    [
        new PdfExtractor(ocr),
        new DocxExtractor(),
        new HtmlExtractor(),
        new MarkdownExtractor(),
        new PlainTextExtractor(),
        new CsvExtractor(),
        new XlsxExtractor(),
        new JsonLinesExtractor(),
        new PptxExtractor(),
    ];

    /// <summary>
    /// A quick look inside an upload so an obviously bad file is refused at once, not in a failed job:
    /// a PDF must open, not be password-protected and have a page; a DOCX, XLSX or PPTX must be a sane zip (no zip
    /// bomb) holding word/document.xml, xl/workbook.xml or ppt/presentation.xml; text formats must hold a non-blank character. Reads only what it needs
    /// (a non-seekable stream is spooled to a temporary file, never to memory). A seekable stream is put
    /// back where it was. Throws <see cref="ExtractionException"/> with the same codes as the extractors.
    /// </summary>
    public static async Task ValidateAsync(FileFormat format, Stream content, CancellationToken cancellationToken)
    {
        var start = content.CanSeek ? content.Position : -1;
        try
        {
            switch (format)
            {
                case FileFormat.Pdf:
                    await using (var seekable = await SeekableContent.OpenAsync(content, cancellationToken))
                    {
                        using var pdf = PdfExtractor.Open(seekable.Stream);
                        if (pdf.NumberOfPages < 1)
                        {
                            throw new ExtractionException("pdf_corrupt", "The PDF has no pages.");
                        }

                        _ = PdfExtractor.GetPage(pdf, 1);
                    }

                    break;
                case FileFormat.Docx:
                    await using (var seekable = await SeekableContent.OpenAsync(content, cancellationToken))
                    {
                        OpenXmlArchive.Word.Check(seekable.Stream);
                    }

                    break;
                case FileFormat.Xlsx or FileFormat.Pptx:
                    await using (var seekable = await SeekableContent.OpenAsync(content, cancellationToken))
                    {
                        (format == FileFormat.Xlsx ? OpenXmlArchive.Excel : OpenXmlArchive.PowerPoint).Check(seekable.Stream);
                    }

                    break;
                case FileFormat.Html or FileFormat.Markdown or FileFormat.PlainText or FileFormat.Csv or FileFormat.JsonLines:
                    await CheckHasTextAsync(content, cancellationToken);
                    break;
                default:
                    throw new ExtractionException("unsupported_type", "This type of file is not supported.");
            }
        }
        finally
        {
            if (start >= 0)
            {
                content.Position = start;
            }
        }
    }

    /// <summary>Reads until the first non-whitespace character; an empty or blank file is "empty_file".</summary>
    private static async Task CheckHasTextAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var chars = new char[buffer.Length + 4];
        Decoder? decoder = null;
        var total = 0;
        int read;
        while (total < MaxTextProbeBytes && (read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var bytes = buffer.AsSpan(0, read);
            if (decoder is null)
            {
                // The first block decides the encoding, as the extractors do for the whole file.
                decoder = Text.DetectEncoding(bytes, out var bom).GetDecoder();
                bytes = bytes[bom..];
            }

            total += read;
            var count = decoder.GetChars(bytes, chars, flush: false);
            foreach (var c in chars.AsSpan(0, count))
            {
                if (!char.IsWhiteSpace(c) && c != '\uFEFF' && c != '\0')
                {
                    return;
                }
            }
        }

        if (total == 0 || total < MaxTextProbeBytes)
        {
            throw Text.EmptyFile();
        }
    }
}
