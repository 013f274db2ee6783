using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.TextFormats;
using Xunit;
using static KnowledgePlatform.Tests.Extraction.ExtractionTestFiles;

namespace KnowledgePlatform.Tests.Extraction;

public sealed class MarkdownExtractorTests
{
    private const string Guide = """
        # User Guide

        Welcome to the   product.
        It is easy.

        ## Install

        - Download the package
        - Run the installer
          - Accept the licence

        | Option | Default |
        |--------|---------|
        | port   | 8080    |
        | debug  | false   |

        ## FAQ

        ### How do I reset my password?

        Open the settings page.

        Click **Reset**.

        ### Can I change my email?

        Yes, under Profile.

        ### Is there a mobile app

        Not yet.
        """;

    [Fact]
    public async Task Markdown_headings_build_the_heading_path_and_title()
    {
        var document = await Extract(new MarkdownExtractor(), Guide);

        Assert.Equal("User Guide", document.Title);
        var welcome = Assert.IsType<ParagraphBlock>(document.Blocks[0]);
        Assert.Equal("Welcome to the product. It is easy.", welcome.Text);
        Assert.Equal(["User Guide"], welcome.HeadingPath);
        Assert.Equal(["User Guide", "Install"], document.Blocks[1].HeadingPath);
    }

    [Fact]
    public async Task Markdown_blocks_carry_their_line_numbers()
    {
        var document = await Extract(new MarkdownExtractor(), Guide);

        Assert.Equal(3, document.Blocks[0].Source.Line);
        Assert.Equal(8, document.Blocks[1].Source.Line);
        Assert.Null(document.Blocks[0].Source.Page);
    }

    [Fact]
    public async Task Markdown_list_is_one_block_of_dash_items()
    {
        var document = await Extract(new MarkdownExtractor(), Guide);

        var list = Assert.IsType<ParagraphBlock>(document.Blocks[1]);
        Assert.Equal("- Download the package\n- Run the installer\n  - Accept the licence", list.Text);
    }

    [Fact]
    public async Task Markdown_table_keeps_its_header_row()
    {
        var document = await Extract(new MarkdownExtractor(), Guide);

        var table = Assert.Single(document.Blocks.OfType<TableBlock>());
        Assert.Equal(["Option", "Default"], table.Header);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(["port", "8080"], table.Rows[0]);
        Assert.Equal(["User Guide", "Install"], table.HeadingPath);
        Assert.Equal(12, table.Source.Line);
    }

    [Fact]
    public async Task Markdown_question_heading_and_following_paragraphs_become_one_question_answer()
    {
        var document = await Extract(new MarkdownExtractor(), Guide);

        var qas = document.Blocks.OfType<QuestionAnswerBlock>().ToList();
        Assert.Equal(2, qas.Count);
        Assert.Equal("How do I reset my password?", qas[0].Question);
        Assert.Equal("Open the settings page.\nClick Reset.", qas[0].Answer);
        Assert.Equal(["User Guide", "FAQ"], qas[0].HeadingPath);
        Assert.Equal(19, qas[0].Source.Line);

        // The next question is a sibling, not a child, of the previous one.
        Assert.Equal("Can I change my email?", qas[1].Question);
        Assert.Equal(["User Guide", "FAQ"], qas[1].HeadingPath);

        // A heading without '?' is an ordinary heading.
        var last = Assert.IsType<ParagraphBlock>(document.Blocks[^1]);
        Assert.Equal(["User Guide", "FAQ", "Is there a mobile app"], last.HeadingPath);
    }

    [Fact]
    public async Task Markdown_without_level_one_heading_has_no_title()
    {
        var document = await Extract(new MarkdownExtractor(), "## Only a section\n\nText.");

        Assert.Null(document.Title);
        Assert.Equal(["Only a section"], document.Blocks[0].HeadingPath);
    }

    [Fact]
    public async Task Markdown_raw_html_keeps_its_text_and_drops_comments()
    {
        var document = await Extract(new MarkdownExtractor(), "<!-- draft -->\n\n<details>\n<summary>More</summary>\nHidden text.\n</details>\n");

        var block = Assert.IsType<ParagraphBlock>(Assert.Single(document.Blocks));
        Assert.Equal("More Hidden text.", block.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\n\t ")]
    public async Task Markdown_empty_file_is_refused(string content)
    {
        var error = await Assert.ThrowsAsync<ExtractionException>(() => Extract(new MarkdownExtractor(), content));
        Assert.Equal("empty_file", error.Code);
    }
}
