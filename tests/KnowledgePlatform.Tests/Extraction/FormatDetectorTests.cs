using System.Text;
using KnowledgePlatform.Ingestion.Extraction;
using Xunit;
using static KnowledgePlatform.Tests.Extraction.ExtractionTestFiles;

namespace KnowledgePlatform.Tests.Extraction;

public sealed class FormatDetectorTests
{
    [Theory]
    [InlineData("report.PDF", "%PDF-1.7\n", FileFormat.Pdf)]
    [InlineData("page.htm", "<!doctype html>", FileFormat.Html)]
    [InlineData("page.html", "<html>", FileFormat.Html)]
    [InlineData("notes.md", "# Notes", FileFormat.Markdown)]
    [InlineData("notes.markdown", "# Notes", FileFormat.Markdown)]
    [InlineData("readme.txt", "hello", FileFormat.PlainText)]
    [InlineData("faq.csv", "q,a", FileFormat.Csv)]
    [InlineData("faq.jsonl", "{}", FileFormat.JsonLines)]
    [InlineData("faq.ndjson", "{}", FileFormat.JsonLines)]
    [InlineData("image.png", "anything", FileFormat.Unknown)]
    [InlineData("no-extension", "anything", FileFormat.Unknown)]
    public void Format_is_detected_by_extension_when_content_agrees(string fileName, string head, FileFormat expected)
    {
        Assert.Equal(expected, FormatDetector.Detect(fileName, Encoding.UTF8.GetBytes(head)));
    }

    [Fact]
    public void Format_docx_that_is_a_zip_is_accepted()
    {
        Assert.Equal(FileFormat.Docx, FormatDetector.Detect("a.docx", SampleDocx()));
    }

    [Fact]
    public void Format_pdf_that_is_a_zip_is_a_type_mismatch()
    {
        var error = Assert.Throws<ExtractionException>(() => FormatDetector.Detect("report.pdf", SampleDocx()));

        Assert.Equal("type_mismatch", error.Code);
        Assert.Equal("The file is named .pdf but its content is not a PDF.", error.Message);
    }

    [Theory]
    [InlineData("letter.docx", "%PDF-1.4")]
    [InlineData("letter.docx", "plain words")]
    [InlineData("notes.txt", "%PDF-1.4")]
    [InlineData("page.html", "PK\u0003\u0004")]
    [InlineData("faq.csv", "a\0b\0c\0")]
    public void Format_content_of_another_type_is_a_type_mismatch(string fileName, string head)
    {
        var error = Assert.Throws<ExtractionException>(() => FormatDetector.Detect(fileName, Encoding.Latin1.GetBytes(head)));

        Assert.Equal("type_mismatch", error.Code);
    }

    [Fact]
    public void Format_utf16_text_with_bom_is_not_mistaken_for_binary()
    {
        byte[] head = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("hello")];

        Assert.Equal(FileFormat.PlainText, FormatDetector.Detect("a.txt", head));
    }

    [Fact]
    public void Format_content_types_are_known()
    {
        Assert.Equal("application/pdf", FormatDetector.ContentTypeOf(FileFormat.Pdf));
        Assert.Equal("text/markdown", FormatDetector.ContentTypeOf(FileFormat.Markdown));
        Assert.Equal("application/octet-stream", FormatDetector.ContentTypeOf(FileFormat.Unknown));
    }
}

public sealed class ExtractorRegistryTests
{
    [Fact]
    public void Registry_has_an_extractor_for_every_known_format()
    {
        var registry = new ExtractorRegistry(ExtractorRegistry.CreateDefault());

        foreach (var format in Enum.GetValues<FileFormat>().Where(f => f != FileFormat.Unknown))
        {
            Assert.Equal(format, registry.For(format).Format);
        }

        Assert.Equal("unsupported_type", Assert.Throws<ExtractionException>(() => registry.For(FileFormat.Unknown)).Code);
    }

    [Fact]
    public async Task Validate_accepts_good_files_and_restores_the_stream_position()
    {
        var pdf = new MemoryStream(SamplePdf());
        await ExtractorRegistry.ValidateAsync(FileFormat.Pdf, pdf, Ct);
        Assert.Equal(0, pdf.Position);

        await ExtractorRegistry.ValidateAsync(FileFormat.Docx, new MemoryStream(SampleDocx()), Ct);
        await ExtractorRegistry.ValidateAsync(FileFormat.Markdown, new MemoryStream("\n\n   # Title"u8.ToArray()), Ct);
    }

    [Fact]
    public async Task Validate_reads_non_seekable_streams()
    {
        await ExtractorRegistry.ValidateAsync(FileFormat.Pdf, new ForwardOnlyStream(SamplePdf()), Ct);
    }

    public static TheoryData<FileFormat, byte[], string> BadFiles() => new()
    {
        { FileFormat.Pdf, EncryptedPdf(), "pdf_encrypted" },
        { FileFormat.Pdf, SamplePdf()[..300], "pdf_corrupt" },
        { FileFormat.Pdf, [], "empty_file" },
        { FileFormat.Docx, ZipOfZeros(5L * 1024 * 1024), "docx_zip_bomb" },
        { FileFormat.Docx, "not a zip"u8.ToArray(), "docx_corrupt" },
        { FileFormat.Docx, [], "empty_file" },
        { FileFormat.PlainText, [], "empty_file" },
        { FileFormat.Csv, " \r\n\t "u8.ToArray(), "empty_file" },
        { FileFormat.Html, [0xFF, 0xFE, 0x20, 0x00, 0x0A, 0x00], "empty_file" },
        { FileFormat.Unknown, "x"u8.ToArray(), "unsupported_type" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Validate_refuses_obviously_bad_files(FileFormat format, byte[] content, string code)
    {
        var error = await Assert.ThrowsAsync<ExtractionException>(() => ExtractorRegistry.ValidateAsync(format, new MemoryStream(content), Ct));

        Assert.Equal(code, error.Code);
    }

    /// <summary>A stream that can only be read forwards, like a request body.</summary>
    private sealed class ForwardOnlyStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
