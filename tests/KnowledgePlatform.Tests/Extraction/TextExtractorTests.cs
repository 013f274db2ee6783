using System.Text;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.TextFormats;
using Xunit;
using static KnowledgePlatform.Tests.Extraction.ExtractionTestFiles;

namespace KnowledgePlatform.Tests.Extraction;

public sealed class TextExtractorTests
{
    [Fact]
    public async Task Text_paragraphs_split_on_blank_lines_with_their_first_line()
    {
        var document = await Extract(new PlainTextExtractor(), "First   paragraph\ncontinues here.\n\n\n  Second paragraph.\r\n\r\nThird.");

        var paragraphs = document.Blocks.Cast<ParagraphBlock>().ToList();
        Assert.Equal(["First paragraph continues here.", "Second paragraph.", "Third."], paragraphs.Select(p => p.Text));
        Assert.Equal([1, 5, 7], paragraphs.Select(p => p.Source.Line ?? 0));
        Assert.Null(document.Title);
    }

    [Fact]
    public async Task Text_underlined_and_capital_lines_are_headings_and_list_lines_keep_their_breaks()
    {
        var document = await Extract(new PlainTextExtractor(),
            "User Guide\n==========\n\nIntro text.\n\nSetup\n-----\n\nYou need:\n- a phone\n- Wi-Fi\n\nTROUBLESHOOTING\n\nRestart it.");

        Assert.Equal("User Guide", document.Title);
        var paragraphs = document.Blocks.Cast<ParagraphBlock>().ToList();
        Assert.Equal(["Intro text.", "You need:\n- a phone\n- Wi-Fi", "Restart it."], paragraphs.Select(p => p.Text));
        Assert.Equal([["User Guide"], ["User Guide", "Setup"], ["User Guide", "Setup", "TROUBLESHOOTING"]], paragraphs.Select(p => p.HeadingPath));
        Assert.Equal([4, 9, 15], paragraphs.Select(p => p.Source.Line ?? 0));
    }

    [Theory]
    [InlineData("utf-16le")]
    [InlineData("utf-16be")]
    [InlineData("utf-8-bom")]
    public async Task Text_with_a_byte_order_mark_is_decoded(string encoding)
    {
        const string Content = "Grüße aus Köln – 10 €";
        var bytes = encoding switch
        {
            "utf-16le" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Content)],
            "utf-16be" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(Content)],
            _ => Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Content)).ToArray(),
        };

        var document = await Extract(new PlainTextExtractor(), bytes);

        Assert.Equal(Content, Assert.IsType<ParagraphBlock>(Assert.Single(document.Blocks)).Text);
    }

    [Fact]
    public async Task Text_that_is_not_valid_utf8_is_read_as_latin1()
    {
        var bytes = Encoding.Latin1.GetBytes("Café crème à la française");

        var document = await Extract(new PlainTextExtractor(), bytes);

        Assert.Equal("Café crème à la française", Assert.IsType<ParagraphBlock>(Assert.Single(document.Blocks)).Text);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task Text_empty_or_blank_file_is_refused(int spaces)
    {
        var error = await Refused(new PlainTextExtractor(), Encoding.ASCII.GetBytes(new string(' ', spaces)));

        Assert.Equal("empty_file", error.Code);
        Assert.Equal("The file is empty.", error.Message);
    }

    [Fact]
    public async Task JsonLines_question_answer_and_text_records_become_blocks()
    {
        const string Lines = """
            {"question": "What is RAG?", "answer": "Retrieval-augmented generation.", "title": "Basics"}

            {"title": "Setup", "text": "Install   the CLI."}
            {"content": "Plain content."}
            {"id": 7}
            """;

        var document = await Extract(new JsonLinesExtractor(), Lines);

        Assert.Equal(3, document.Blocks.Count);
        var qa = Assert.IsType<QuestionAnswerBlock>(document.Blocks[0]);
        Assert.Equal("What is RAG?", qa.Question);
        Assert.Equal(["Basics"], qa.HeadingPath);
        Assert.Equal(1, qa.Source.Line);
        var text = Assert.IsType<ParagraphBlock>(document.Blocks[1]);
        Assert.Equal("Install the CLI.", text.Text);
        Assert.Equal(["Setup"], text.HeadingPath);
        Assert.Equal(3, text.Source.Line);
        Assert.Equal("Plain content.", Assert.IsType<ParagraphBlock>(document.Blocks[2]).Text);
    }

    [Theory]
    [InlineData("{\"text\": \"ok\"}\n{\"text\": \"broken\"\n", 2)]
    [InlineData("{\"text\": \"ok\"}\n\n[1, 2]\n", 3)]
    public async Task JsonLines_malformed_line_is_refused_with_its_number(string content, int line)
    {
        var error = await Assert.ThrowsAsync<ExtractionException>(() => Extract(new JsonLinesExtractor(), content));

        Assert.Equal("jsonl_malformed", error.Code);
        Assert.Contains($"line {line}", error.Message, StringComparison.Ordinal);
    }
}
