using System.Buffers.Binary;
using System.IO.Compression;
using DocumentFormat.OpenXml.Packaging;

namespace KnowledgePlatform.Ingestion.Extraction.Office;

/// <summary>
/// The zip checks the Open XML formats (.docx, .xlsx, .pptx) share, run before the SDK opens the package:
/// the required main part is there, at most <see cref="MaxUncompressedBytes"/> unpacked, at most
/// <see cref="MaxEntries"/> entries and no large entry compressed more than <see cref="MaxCompressionRatio"/>:1.
/// Errors carry the format's own codes ("docx_zip_bomb", "xlsx_corrupt", ...).
/// </summary>
/// <param name="CodePrefix">"docx" or "xlsx": the prefix of the error codes.</param>
/// <param name="Noun">What a curator calls the file ("Word file").</param>
/// <param name="Extension">The extension to save it again as (".docx").</param>
/// <param name="RequiredEntry">The main part every real file of the format holds.</param>
internal sealed record OpenXmlArchive(string CodePrefix, string Noun, string Extension, string RequiredEntry)
{
    public const long MaxUncompressedBytes = 200L * 1024 * 1024;
    public const int MaxCompressionRatio = 100;

    /// <summary>Entries smaller than this cannot hurt whatever their ratio (the total is capped anyway).</summary>
    private const long RatioCheckFloorBytes = 1024 * 1024;

    private const int MaxEntries = 10_000;

    public static OpenXmlArchive Word { get; } = new("docx", "Word file", ".docx", "word/document.xml");

    public static OpenXmlArchive Excel { get; } = new("xlsx", "Excel workbook", ".xlsx", "xl/workbook.xml");

    public static OpenXmlArchive PowerPoint { get; } = new("pptx", "PowerPoint presentation", ".pptx", "ppt/presentation.xml");

    public ExtractionException Corrupt(Exception? inner = null) =>
        new($"{CodePrefix}_corrupt", $"The {Noun} is damaged or not a {Extension} document; save it again as {Extension} and upload it.", inner);

    private ExtractionException ZipBomb(string why) => new($"{CodePrefix}_zip_bomb", $"The {Noun} was refused: {why}.");

    /// <summary>
    /// Checks the upload's archive, opens it with the SDK and reads it; any failure of the SDK is this format's
    /// "corrupt" error (cancellation and extraction errors pass through).
    /// </summary>
    public async Task<ExtractedDocument> ExtractAsync<TPackage>(
        Stream content, Func<Stream, OpenSettings, TPackage> open, Func<TPackage, ExtractedDocument> read, CancellationToken cancellationToken)
        where TPackage : IDisposable
    {
        await using var seekable = await SeekableContent.OpenAsync(content, cancellationToken);
        Check(seekable.Stream);
        cancellationToken.ThrowIfCancellationRequested();
        TPackage package;
        try
        {
            package = open(seekable.Stream, new OpenSettings { MaxCharactersInPart = MaxUncompressedBytes });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Corrupt(ex);
        }

        using (package)
        {
            try
            {
                return read(package);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or ExtractionException))
            {
                throw Corrupt(ex);
            }
        }
    }

    /// <summary>Checks the archive without decompressing it. Leaves the stream at position 0.</summary>
    public void Check(Stream stream)
    {
        if (CountEntries(stream) > MaxEntries)
        {
            throw ZipBomb($"it holds more than {MaxEntries} files");
        }

        stream.Position = 0;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            long total = 0;
            var hasMainPart = false;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (total > MaxUncompressedBytes)
                {
                    throw ZipBomb($"it would unpack to more than {MaxUncompressedBytes / (1024 * 1024)} MB");
                }

                if (entry.Length > RatioCheckFloorBytes
                    && (entry.CompressedLength <= 0 || entry.Length / entry.CompressedLength > MaxCompressionRatio))
                {
                    throw ZipBomb($"'{entry.FullName}' is compressed more than {MaxCompressionRatio}:1");
                }

                hasMainPart |= string.Equals(entry.FullName, RequiredEntry, StringComparison.OrdinalIgnoreCase);
            }

            if (!hasMainPart)
            {
                throw Corrupt();
            }
        }
        catch (InvalidDataException ex)
        {
            throw Corrupt(ex);
        }
        finally
        {
            stream.Position = 0;
        }
    }

    /// <summary>
    /// The entry count from the zip's end-of-central-directory record, read before <see cref="ZipArchive"/>
    /// loads every entry into memory. Zip64 counts (0xFFFF) read as "too many": no real Office file needs them.
    /// </summary>
    private int CountEntries(Stream stream)
    {
        const int RecordLength = 22;
        var tail = (int)Math.Min(stream.Length, RecordLength + ushort.MaxValue);
        var buffer = new byte[tail];
        stream.Position = stream.Length - tail;
        stream.ReadExactly(buffer);
        for (var i = tail - RecordLength; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) == 0x06054b50)
            {
                var count = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(i + 10));
                return count == ushort.MaxValue ? int.MaxValue : count;
            }
        }

        throw Corrupt();
    }
}
