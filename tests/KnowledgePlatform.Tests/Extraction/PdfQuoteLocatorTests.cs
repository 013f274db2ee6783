using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.Pdf;
using Xunit;

namespace KnowledgePlatform.Tests.Extraction;

public sealed class PdfQuoteLocatorTests
{
    private static PdfQuoteLocation Locate(int? page, string quote, string? chunk = null) =>
        PdfQuoteLocator.Locate(new MemoryStream(ExtractionTestFiles.SamplePdf()), page, QuotedSpan.Parts(quote), chunk, ExtractionTestFiles.Ct);

    [Fact]
    public void A_quote_over_two_lines_gets_one_box_per_line_where_the_words_stand_on_the_page()
    {
        var located = Locate(1, "This guide explains how to install the product. It covers the basic setup steps.");
        Assert.Equal((1, 2), (located.Page, located.PageCount));
        Assert.Equal(2, located.Boxes.Count);
        // The lines stand at y = 750 and 736 of an 842 pt page, from x = 50 of 595 pt: top-left fractions.
        var first = located.Boxes[0];
        Assert.InRange(first.Left, 50 / 595.0 - 0.005, 50 / 595.0 + 0.005);
        Assert.InRange(first.Top, (842 - 760) / 842.0, (842 - 750) / 842.0);
        Assert.True(located.Boxes[1].Top > first.Top, "the second line is below the first");
        Assert.All(located.Boxes, b => Assert.InRange(b.Width, 0.2, 0.6));
    }

    [Fact]
    public void A_quote_on_another_page_than_the_cited_one_is_found_there()
    {
        var located = Locate(1, "Restart the service if it stops responding.");
        Assert.Equal(2, located.Page);
        Assert.Single(located.Boxes);
        Assert.Equal(2, located.Boxes[0].Page);
    }

    [Fact]
    public void Each_piece_of_a_quote_joined_with_an_ellipsis_is_placed_on_its_own()
    {
        var located = Locate(1, "This guide explains how to install the product. … Run the installer and follow the prompts.");
        Assert.Equal(2, located.Boxes.Count);
        Assert.InRange(located.Boxes[1].Top, (842 - 690) / 842.0, (842 - 680) / 842.0);
    }

    [Fact]
    public void When_the_quote_cannot_be_placed_the_next_text_is_tried_and_else_the_cited_page_opens_without_boxes()
    {
        Assert.Single(Locate(2, "Words that were edited by a curator", "Run the installer and follow the prompts.").Boxes);
        var nowhere = Locate(2, "Words that are in no page of this document at all");
        Assert.Equal(2, nowhere.Page);
        Assert.Empty(nowhere.Boxes);
    }
}
