using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.Office;
using Xunit;
using static KnowledgePlatform.Tests.Extraction.ExtractionTestFiles;

namespace KnowledgePlatform.Tests.Extraction;

public sealed class XlsxExtractorTests
{
    [Fact]
    public async Task Xlsx_faq_sheet_gives_one_question_answer_per_row_under_sheet_and_category_with_row_numbers()
    {
        // Shared strings, an inline rich-text answer, a blank row, and the header on row 2.
        var workbook = Workbook(
            ["Category", "Question", "Answer", "Billing", "How do I pay?"],
            ("Help", false,
                """
                <x:row r="2"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c r="B2" t="s"><x:v>1</x:v></x:c><x:c r="C2" t="s"><x:v>2</x:v></x:c></x:row>
                <x:row r="3"><x:c r="A3" t="s"><x:v>3</x:v></x:c><x:c r="B3" t="s"><x:v>4</x:v></x:c><x:c r="C3" t="inlineStr"><x:is><x:r><x:t>By card,</x:t></x:r><x:r><x:t xml:space="preserve"> or by invoice.</x:t></x:r></x:is></x:c></x:row>
                <x:row r="5"><x:c r="B5" t="inlineStr"><x:is><x:t>Is there a free plan?</x:t></x:is></x:c><x:c r="C5" t="b"><x:v>1</x:v></x:c></x:row>
                """));

        var document = await Extract(new XlsxExtractor(), workbook);

        var rows = document.Blocks.Cast<QuestionAnswerBlock>().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("How do I pay?", rows[0].Question);
        Assert.Equal("By card, or by invoice.", rows[0].Answer);
        Assert.Equal(["Help", "Billing"], rows[0].HeadingPath);
        Assert.Equal(3, rows[0].Source.Line);
        Assert.Equal("TRUE", rows[1].Answer); // the category cell (A5) is missing: the row sits under the sheet only
        Assert.Equal(["Help"], rows[1].HeadingPath);
        Assert.Equal(5, rows[1].Source.Line);
    }

    [Fact]
    public async Task Xlsx_sheet_without_question_columns_is_a_table_with_its_header_and_gaps_kept_in_place()
    {
        var workbook = Workbook(
            [],
            ("Prices", false,
                """
                <x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Product</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>Note</x:t></x:is></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>Price</x:t></x:is></x:c></x:row>
                <x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>Basic</x:t></x:is></x:c><x:c r="C2"><x:v>5.5</x:v></x:c></x:row>
                """),
            ("Drafts", true, """<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>secret draft</x:t></x:is></x:c></x:row>"""));

        var document = await Extract(new XlsxExtractor(), workbook);

        var table = Assert.IsType<TableBlock>(Assert.Single(document.Blocks));
        Assert.Equal(["Product", "Note", "Price"], table.Header);
        Assert.Equal([["Basic", "", "5.5"]], table.Rows);
        Assert.Equal(["Prices"], table.HeadingPath);
        Assert.Equal(1, table.Source.Line);
    }

    [Fact]
    public async Task Xlsx_zip_bomb_is_refused_before_unpacking()
    {
        var error = await Refused(new XlsxExtractor(), ZipOfZeros(300L * 1024 * 1024, "xl/workbook.xml"));

        Assert.Equal("xlsx_zip_bomb", error.Code);
    }

    [Fact]
    public async Task Xlsx_that_is_a_word_document_is_refused_as_corrupt()
    {
        var error = await Refused(new XlsxExtractor(), SampleDocx());

        Assert.Equal("xlsx_corrupt", error.Code);
    }

    [Fact]
    public void Xlsx_named_file_that_is_really_csv_text_is_a_type_mismatch()
    {
        var error = Assert.Throws<ExtractionException>(() => FormatDetector.Detect("faq.xlsx", "question,answer\nWhy?,Because.\n"u8));

        Assert.Equal("type_mismatch", error.Code);
        Assert.Contains("Excel workbook", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xlsx_preflight_refuses_a_bomb_and_accepts_a_workbook()
    {
        var bomb = await Assert.ThrowsAsync<ExtractionException>(() =>
            ExtractorRegistry.ValidateAsync(FileFormat.Xlsx, new MemoryStream(ZipOfZeros(5L * 1024 * 1024, "xl/worksheets/sheet1.xml")), Ct));
        Assert.Equal("xlsx_zip_bomb", bomb.Code);

        await ExtractorRegistry.ValidateAsync(FileFormat.Xlsx, new MemoryStream(Workbook([], ("S", false, ""))), Ct);
    }

    [Theory]
    [InlineData("A1", 0)]
    [InlineData("C12", 2)]
    [InlineData("AA3", 26)]
    [InlineData("xfd1048576", 16383)]
    [InlineData("", null)]
    [InlineData("12", null)]
    public void Column_index_is_read_from_the_cell_reference(string reference, int? expected) =>
        Assert.Equal(expected, XlsxExtractor.ColumnIndex(reference));
}
