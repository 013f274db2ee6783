using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.Office;
using Xunit;
using static KnowledgePlatform.Tests.Extraction.ExtractionTestFiles;

namespace KnowledgePlatform.Tests.Extraction;

public sealed class DocxExtractorTests
{
    [Fact]
    public async Task Docx_heading_styles_build_the_heading_path()
    {
        var document = await Extract(new DocxExtractor(), SampleDocx());

        Assert.Equal("Product Handbook", document.Title);
        var install = Assert.IsType<ParagraphBlock>(document.Blocks[0]);
        Assert.Equal("Install the agent on every server.", install.Text);
        Assert.Equal(["Product Handbook", "Setup"], install.HeadingPath);

        // "berschrift2" is a localised style id; its name "heading 2" and outline level say what it is.
        Assert.Equal(["Product Handbook", "Setup", "Requirements"], document.Blocks[1].HeadingPath);

        var last = Assert.IsType<ParagraphBlock>(document.Blocks[^1]);
        Assert.Equal(["Product Handbook", "Operation"], last.HeadingPath);
    }

    [Fact]
    public async Task Docx_list_paragraphs_become_one_block_of_dash_items()
    {
        var document = await Extract(new DocxExtractor(), SampleDocx());

        var list = Assert.IsType<ParagraphBlock>(document.Blocks[1]);
        Assert.Equal("- Linux or Windows\n- 2 GB of memory", list.Text);
        Assert.Equal("Check these before you start.", Assert.IsType<ParagraphBlock>(document.Blocks[2]).Text);
    }

    [Fact]
    public async Task Docx_table_keeps_its_first_row_as_header()
    {
        var document = await Extract(new DocxExtractor(), SampleDocx());

        var table = Assert.Single(document.Blocks.OfType<TableBlock>());
        Assert.Equal(["Port", "Purpose"], table.Header);
        Assert.Equal([["8080", "HTTP API"], ["9090", "Metrics"]], table.Rows);
        Assert.Equal(["Product Handbook", "Setup", "Requirements"], table.HeadingPath);
    }

    [Fact]
    public async Task Docx_title_comes_from_core_properties_when_present()
    {
        var document = await Extract(new DocxExtractor(), SampleDocx(coreTitle: "Ops Handbook 2025"));

        Assert.Equal("Ops Handbook 2025", document.Title);
    }

    [Fact]
    public async Task Docx_zip_bomb_of_300_MB_zeros_is_refused_before_unpacking()
    {
        var bomb = ZipOfZeros(300L * 1024 * 1024);
        Assert.True(bomb.Length < 2 * 1024 * 1024);

        var error = await Refused(new DocxExtractor(), bomb);

        Assert.Equal("docx_zip_bomb", error.Code);
    }

    [Fact]
    public async Task Docx_small_entry_compressed_more_than_100_to_1_is_refused()
    {
        var error = await Refused(new DocxExtractor(), ZipOfZeros(5L * 1024 * 1024));

        Assert.Equal("docx_zip_bomb", error.Code);
    }

    [Fact]
    public async Task Docx_that_is_not_a_zip_is_refused_as_corrupt()
    {
        var error = await Refused(new DocxExtractor(), "this is not a zip file"u8.ToArray());

        Assert.Equal("docx_corrupt", error.Code);
    }

    [Fact]
    public async Task Docx_zip_without_word_document_is_refused_as_corrupt()
    {
        var error = await Refused(new DocxExtractor(), Zip(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")));

        Assert.Equal("docx_corrupt", error.Code);
    }

    [Fact]
    public async Task Docx_empty_file_is_refused()
    {
        var error = await Refused(new DocxExtractor(), []);

        Assert.Equal("empty_file", error.Code);
    }
}
