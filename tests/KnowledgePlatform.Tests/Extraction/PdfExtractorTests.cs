using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Ingestion.Chunking;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.Pdf;
using Xunit;
using static KnowledgePlatform.Tests.Extraction.ExtractionTestFiles;

namespace KnowledgePlatform.Tests.Extraction;

public sealed class PdfExtractorTests
{
    [Fact]
    public async Task Pdf_larger_font_and_bold_lines_build_the_heading_path()
    {
        var document = await Extract(new PdfExtractor(), SamplePdf());

        Assert.Equal("Getting Started", document.Title);
        var intro = Assert.IsType<ParagraphBlock>(document.Blocks[0]);
        Assert.Equal("This guide explains how to install the product. It covers the basic setup steps.", intro.Text);
        Assert.Equal(["Getting Started"], intro.HeadingPath);
        var install = Assert.IsType<ParagraphBlock>(document.Blocks[1]);
        Assert.Equal("Run the installer and follow the prompts.", install.Text);
        Assert.Equal(["Getting Started", "Installation"], install.HeadingPath);
    }

    [Fact]
    public async Task Pdf_blocks_carry_their_page_numbers()
    {
        var document = await Extract(new PdfExtractor(), SamplePdf());

        Assert.Equal(1, document.Blocks[0].Source.Page);
        var last = Assert.IsType<ParagraphBlock>(document.Blocks[^1]);
        Assert.Equal("Restart the service if it stops responding.", last.Text);
        Assert.Equal(2, last.Source.Page);
        Assert.Equal(["Getting Started", "Troubleshooting"], last.HeadingPath);
    }

    [Fact]
    public async Task Pdf_aligned_columns_become_a_table_with_its_header_row()
    {
        var document = await Extract(new PdfExtractor(), SamplePdf());

        var table = Assert.Single(document.Blocks.OfType<TableBlock>());
        Assert.Equal(["Setting", "Default"], table.Header);
        Assert.Equal([["Timeout", "30 seconds"], ["Retries", "3"]], table.Rows);
        Assert.Equal(1, table.Source.Page);
        Assert.Equal(["Getting Started", "Installation"], table.HeadingPath);
    }

    [Fact]
    public async Task Pdf_ruled_table_keeps_a_wrapped_cell_in_its_row_beside_a_centred_one()
    {
        var document = await Extract(new PdfExtractor(), RuledTableAndBulletsPdf());

        var table = Assert.Single(document.Blocks.OfType<TableBlock>());
        Assert.Equal(["Setting", "Default"], table.Header);
        Assert.Equal([["Timeout", "30 seconds, or longer on slow links"], ["Retries", "3"]], table.Rows);
        Assert.Equal(["Settings"], table.HeadingPath);
        Assert.Equal(1, table.Source.Page);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pdf_ruled_table_continued_on_the_next_page_keeps_its_header_row_there(bool pageRepeatsHeader)
    {
        var document = await Extract(new PdfExtractor(), TableAcrossPagesPdf(pageRepeatsHeader));

        var tables = document.Blocks.OfType<TableBlock>().ToList();
        Assert.Equal(2, tables.Count);
        Assert.All(tables, t => Assert.Equal(["Drug", "Dose"], t.Header));
        Assert.All(tables, t => Assert.Equal(["Dosing"], t.HeadingPath));
        Assert.Equal([1, 2], tables.Select(t => t.Source.Page));
        Assert.Equal(30, tables[0].Rows.Count);
        Assert.Equal(Enumerable.Range(31, 6).Select(i => $"Drug {i}"), tables[1].Rows.Select(r => r[0]));
        Assert.Equal("310 mg daily", tables[1].Rows[0][1]);

        // The chunk made from page 2 starts with the header row like every other piece of the table.
        var chunks = new Chunker(new WordCounter()).Chunk(document, new ChunkingSettings(MaxTokens: 400, OverlapTokens: 0));
        var continuation = Assert.Single(chunks, c => c.Page == 2 && c.Kind == ChunkKind.Table);
        Assert.StartsWith("| Drug | Dose |\n| --- | --- |\n| Drug 31 | 310 mg daily |", continuation.Text, StringComparison.Ordinal);
        Assert.Single(document.Blocks.OfType<ParagraphBlock>(), p => p.Text.StartsWith("Doses are for adults", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pdf_table_at_the_top_of_a_page_with_other_columns_is_a_new_table()
    {
        var document = await Extract(new PdfExtractor(), TableAcrossPagesPdf(repeatHeader: false, secondPageColumns: [50, 300, 450]));

        var tables = document.Blocks.OfType<TableBlock>().ToList();
        Assert.Equal(2, tables.Count);
        Assert.Equal(["Drug 31", "310 mg daily"], tables[1].Header);
    }

    /// <summary>One token per word.</summary>
    private sealed class WordCounter : KnowledgePlatform.Core.Ports.ITokenCounter
    {
        public int CountTokens(string text) => text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Length;
    }

    [Fact]
    public async Task Pdf_bulleted_lines_are_list_paragraphs_not_a_table()
    {
        var document = await Extract(new PdfExtractor(), RuledTableAndBulletsPdf());

        var items = document.Blocks.OfType<ParagraphBlock>().Select(p => p.Text).ToList();
        Assert.Equal(["• Bullet item number 1 of the list.", "• Bullet item number 2 of the list.", "• Bullet item number 3 of the list."], items);
    }

    [Fact]
    public async Task Pdf_two_column_page_is_read_column_by_column()
    {
        var document = await Extract(new PdfExtractor(), TwoColumnPdf());

        var paragraphs = document.Blocks.Cast<ParagraphBlock>().ToList();
        Assert.Equal(2, paragraphs.Count);
        Assert.StartsWith("Left line 0 has several words Left line 1", paragraphs[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("Left line 7 has several words", paragraphs[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("Right line 0", paragraphs[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_title_comes_from_document_information_when_present()
    {
        var document = await Extract(new PdfExtractor(), SamplePdf(infoTitle: "Admin Manual"));

        Assert.Equal("Admin Manual", document.Title);
    }

    [Fact]
    public async Task Pdf_with_unknown_password_is_refused_as_encrypted()
    {
        var error = await Refused(new PdfExtractor(), EncryptedPdf());

        Assert.Equal("pdf_encrypted", error.Code);
        Assert.Equal("The PDF is password-protected; remove the password and upload it again.", error.Message);
    }

    [Fact]
    public async Task Pdf_truncated_is_refused_as_corrupt()
    {
        var bytes = SamplePdf();

        var error = await Refused(new PdfExtractor(), bytes[..(bytes.Length / 2)]);

        Assert.Equal("pdf_corrupt", error.Code);
    }

    [Fact]
    public async Task Pdf_without_text_or_images_is_refused_as_empty()
    {
        var error = await Refused(new PdfExtractor(), TextlessPdf());

        Assert.Equal("no_text", error.Code);
        Assert.Equal("No text could be extracted from the PDF.", error.Message);
    }

    [Fact]
    public async Task A_scanned_pdf_without_ocr_says_which_pages_and_exactly_what_to_install()
    {
        var error = await Refused(new PdfExtractor(), ImageOnlyPdf());

        Assert.Equal("ocr_unavailable", error.Code);
        Assert.Contains("page 1 has no text layer", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install tesseract-ocr poppler-utils", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scanned_pdf_on_a_server_without_tesseract_names_what_to_install()
    {
        var recognizer = new KnowledgePlatform.Ingestion.Extraction.Ocr.TesseractRecognizer(
            Microsoft.Extensions.Options.Options.Create(new KnowledgePlatform.Ingestion.Extraction.Ocr.OcrOptions { TesseractPath = "/nonexistent/tesseract" }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<KnowledgePlatform.Ingestion.Extraction.Ocr.TesseractRecognizer>.Instance);

        var error = await Refused(new PdfExtractor(recognizer), ImageOnlyPdf());

        Assert.Equal("ocr_unavailable", error.Code);
        Assert.Contains("Tesseract OCR is not installed", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install tesseract-ocr poppler-utils", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_empty_file_is_refused()
    {
        var error = await Refused(new PdfExtractor(), []);

        Assert.Equal("empty_file", error.Code);
    }

    [Fact]
    public async Task Pdf_extraction_leaves_the_callers_stream_open()
    {
        var stream = new MemoryStream(SamplePdf());

        await new PdfExtractor().ExtractAsync(stream, "a.pdf", Ct);

        Assert.True(stream.CanRead);
    }
}
