using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.TextFormats;
using Xunit;
using static KnowledgePlatform.Tests.Extraction.ExtractionTestFiles;

namespace KnowledgePlatform.Tests.Extraction;

public sealed class CsvExtractorTests
{
    [Fact]
    public async Task Csv_with_question_and_answer_columns_gives_one_question_answer_per_row()
    {
        const string Faq = "Category,Question,Answer\r\n"
            + "Billing,How do I pay?,\"By card, or by invoice.\"\r\n"
            + "Account,\"What is a \"\"workspace\"\"?\",\"A shared space.\nIt has members.\"\r\n"
            + "\r\n"
            + ",Where is my data?,In the EU.\r\n";

        var document = await Extract(new CsvExtractor(), Faq);

        var rows = document.Blocks.Cast<QuestionAnswerBlock>().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal("How do I pay?", rows[0].Question);
        Assert.Equal("By card, or by invoice.", rows[0].Answer);
        Assert.Equal(["Billing"], rows[0].HeadingPath);
        Assert.Equal(2, rows[0].Source.Line);
        Assert.Equal("What is a \"workspace\"?", rows[1].Question);
        Assert.Equal("A shared space.\nIt has members.", rows[1].Answer);
        Assert.Equal(3, rows[1].Source.Line);
        Assert.Equal(6, rows[2].Source.Line);
        Assert.Empty(rows[2].HeadingPath);
    }

    [Fact]
    public async Task Csv_german_semicolon_faq_is_recognised()
    {
        var document = await Extract(new CsvExtractor(), "Frage;Antwort\nWie melde ich mich an?;Mit der E-Mail-Adresse.\n");

        var qa = Assert.IsType<QuestionAnswerBlock>(Assert.Single(document.Blocks));
        Assert.Equal("Wie melde ich mich an?", qa.Question);
        Assert.Equal("Mit der E-Mail-Adresse.", qa.Answer);
    }

    [Fact]
    public async Task Csv_without_question_columns_is_a_table_that_keeps_its_header()
    {
        var document = await Extract(new CsvExtractor(), "Product,Price\nBasic,5\n\"Pro, yearly\",50\n");

        var table = Assert.IsType<TableBlock>(Assert.Single(document.Blocks));
        Assert.Equal(["Product", "Price"], table.Header);
        Assert.Equal([["Basic", "5"], ["Pro, yearly", "50"]], table.Rows);
        Assert.Equal(1, table.Source.Line);
    }

    [Fact]
    public async Task Csv_with_unterminated_quote_is_refused_with_its_line()
    {
        var error = await Assert.ThrowsAsync<ExtractionException>(() =>
            Extract(new CsvExtractor(), "question,answer\nOne?,Yes\nTwo?,\"never closed\nThree?,No\n"));

        Assert.Equal("csv_malformed", error.Code);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_empty_file_is_refused()
    {
        var error = await Refused(new CsvExtractor(), []);

        Assert.Equal("empty_file", error.Code);
    }
}
