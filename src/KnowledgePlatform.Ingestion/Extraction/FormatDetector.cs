namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>Decides a file's format from its extension and checks the first bytes agree.</summary>
public static class FormatDetector
{
    /// <summary>How many leading bytes <see cref="Detect"/> looks at (more are ignored, fewer are fine).</summary>
    public const int HeadLength = 1024;

    private static readonly Dictionary<string, FileFormat> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = FileFormat.Pdf,
        [".docx"] = FileFormat.Docx,
        [".html"] = FileFormat.Html,
        [".htm"] = FileFormat.Html,
        [".md"] = FileFormat.Markdown,
        [".markdown"] = FileFormat.Markdown,
        [".txt"] = FileFormat.PlainText,
        [".csv"] = FileFormat.Csv,
        [".xlsx"] = FileFormat.Xlsx,
        [".pptx"] = FileFormat.Pptx,
        [".jsonl"] = FileFormat.JsonLines,
        [".ndjson"] = FileFormat.JsonLines,
    };

    /// <summary>The file extensions <see cref="Detect"/> knows, e.g. ".pdf".</summary>
    public static IReadOnlyCollection<string> Extensions => ByExtension.Keys;

    /// <summary>
    /// The format named by the file's extension, or <see cref="FileFormat.Unknown"/> for an unknown one.
    /// Throws <see cref="ExtractionException"/> "type_mismatch" when the first bytes show another kind of
    /// file: a .pdf without "%PDF-", a .docx or .xlsx that is not a zip, a text format that is a PDF, a zip or binary.
    /// An empty <paramref name="head"/> is not judged (the empty-file check reports it).
    /// </summary>
    public static FileFormat Detect(string fileName, ReadOnlySpan<byte> head)
    {
        var extension = Path.GetExtension(fileName);
        if (!ByExtension.TryGetValue(extension, out var format))
        {
            return FileFormat.Unknown;
        }

        head = head[..Math.Min(head.Length, HeadLength)];
        if (head.IsEmpty)
        {
            return format;
        }

        var ok = format switch
        {
            FileFormat.Pdf => IsPdf(head),
            FileFormat.Docx or FileFormat.Xlsx or FileFormat.Pptx => IsZip(head),
            _ => IsText(head),
        };
        return ok
            ? format
            : throw new ExtractionException("type_mismatch",
                $"The file is named {extension.ToLowerInvariant()} but its content is not {Describe(format)}.");
    }

    /// <summary>The MIME type to store and serve a format with.</summary>
    public static string ContentTypeOf(FileFormat format) => format switch
    {
        FileFormat.Pdf => "application/pdf",
        FileFormat.Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        FileFormat.Html => "text/html",
        FileFormat.Markdown => "text/markdown",
        FileFormat.PlainText => "text/plain",
        FileFormat.Csv => "text/csv",
        FileFormat.Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        FileFormat.JsonLines => "application/x-ndjson",
        FileFormat.Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    };

    /// <summary>The usual extension of a format (".pdf"), for content whose name does not say (a web page, a download).</summary>
    public static string ExtensionOf(FileFormat format) =>
        ByExtension.First(p => p.Value == format).Key;

    /// <summary>The format served with a MIME type (a web server's Content-Type), or <see cref="FileFormat.Unknown"/>.</summary>
    public static FileFormat FromContentType(string? mediaType) => mediaType?.ToLowerInvariant() switch
    {
        "text/html" or "application/xhtml+xml" => FileFormat.Html,
        "text/markdown" or "text/x-markdown" => FileFormat.Markdown,
        "text/plain" => FileFormat.PlainText,
        "text/csv" => FileFormat.Csv,
        "application/x-ndjson" or "application/jsonl" => FileFormat.JsonLines,
        null => FileFormat.Unknown,
        var type => Enum.GetValues<FileFormat>().FirstOrDefault(f => f != FileFormat.Unknown && ContentTypeOf(f) == type),
    };

    private static string Describe(FileFormat format) => format switch
    {
        FileFormat.Pdf => "a PDF",
        FileFormat.Docx => "a Word document",
        FileFormat.Xlsx => "an Excel workbook",
        FileFormat.Pptx => "a PowerPoint presentation",
        FileFormat.Html => "HTML",
        FileFormat.Markdown => "Markdown text",
        FileFormat.Csv => "CSV text",
        FileFormat.JsonLines => "JSON Lines text",
        _ => "text",
    };

    /// <summary>"%PDF-" at the start (readers accept it anywhere in the first 1024 bytes).</summary>
    private static bool IsPdf(ReadOnlySpan<byte> head) => head.IndexOf("%PDF-"u8) >= 0 || (head.Length < 5 && "%PDF-"u8.StartsWith(head));

    /// <summary>A zip local file header, or the end record of an empty zip.</summary>
    private static bool IsZip(ReadOnlySpan<byte> head) =>
        head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8) || (head.Length < 4 && "PK\x03\x04"u8.StartsWith(head));

    /// <summary>Not a PDF, zip or other known binary format, and no NUL bytes unless UTF-16 with a BOM.</summary>
    private static bool IsText(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("%PDF-"u8) || head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8)
            || head.StartsWith(Png) || head.StartsWith("GIF8"u8) || head.StartsWith(Jpeg)
            || head.StartsWith(OleCompound) || head.StartsWith(Gzip) || head.StartsWith("{\\rtf"u8))
        {
            return false;
        }

        var utf16 = head.StartsWith(Utf16LeBom) || head.StartsWith(Utf16BeBom);
        return utf16 || !head.Contains((byte)0);
    }

    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47];

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    /// <summary>Old binary Office files (.doc, .xls) and other OLE compound documents.</summary>
    private static ReadOnlySpan<byte> OleCompound => [0xD0, 0xCF, 0x11, 0xE0];

    private static ReadOnlySpan<byte> Gzip => [0x1F, 0x8B];

    private static ReadOnlySpan<byte> Utf16LeBom => [0xFF, 0xFE];

    private static ReadOnlySpan<byte> Utf16BeBom => [0xFE, 0xFF];
}
