using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.Office;
using Xunit;
using static KnowledgePlatform.Tests.Extraction.ExtractionTestFiles;

namespace KnowledgePlatform.Tests.Extraction;

/// <summary>The PowerPoint sample in samples/customer-service: slide titles as headings, lists, a table, speaker notes.</summary>
public sealed class PptxExtractorTests
{
    private static async Task<ExtractedDocument> SampleAsync() =>
        await Extract(new PptxExtractor(), await File.ReadAllBytesAsync(SamplePath("customer-service/sweep-s2-support-training.pptx"), Ct), "sweep-s2-support-training.pptx");

    [Fact]
    public async Task Slide_titles_head_their_slides_content_and_the_page_is_the_slide_number()
    {
        var document = await SampleAsync();

        Assert.Equal("Sweep S2 support training", document.Title);
        var subtitle = Assert.Single(document.Blocks.OfType<ParagraphBlock>(), b => b.Text.StartsWith("For Northwind Home care agents", StringComparison.Ordinal));
        Assert.Equal(["Sweep S2 support training"], subtitle.HeadingPath);
        Assert.Equal(1, subtitle.Source.Page);
        var list = Assert.Single(document.Blocks.OfType<ParagraphBlock>(), b => b.Text.Contains("Support PIN", StringComparison.Ordinal));
        Assert.Equal("- Confirm the Support PIN and the robot's serial number\n- Ask for the error code in the app\n  - The code is also announced by the robot\n- Check the firmware version (2.4 or later)", list.Text);
        Assert.Equal(["The first two minutes of a call"], list.HeadingPath);
        Assert.Equal(2, list.Source.Page);
        var escalate = Assert.Single(document.Blocks.OfType<ParagraphBlock>(), b => b.Text.StartsWith("Escalate to tier two", StringComparison.Ordinal));
        Assert.Equal(["When to escalate"], escalate.HeadingPath);
        Assert.Equal(4, escalate.Source.Page);
    }

    [Fact]
    public async Task A_slide_table_keeps_its_header_row()
    {
        var table = Assert.Single((await SampleAsync()).Blocks.OfType<TableBlock>());

        Assert.Equal(["Code", "Meaning", "First fix"], table.Header);
        Assert.Equal(3, table.Rows.Count);
        Assert.Equal(["E07", "Dustbin or filter", "Reinsert the dustbin; tap the HEPA filter clean, never wash it"], table.Rows[1]);
        Assert.Equal(["Errors agents clear on the first call"], table.HeadingPath);
        Assert.Equal(3, table.Source.Page);
    }

    [Fact]
    public async Task Speaker_notes_follow_their_slide_and_hidden_slides_and_slide_numbers_are_left_out()
    {
        var document = await SampleAsync();

        var notes = document.Blocks.OfType<ParagraphBlock>().Where(b => b.HeadingPath is [_, PptxExtractor.NotesHeading]).ToList();
        Assert.Equal(4, notes.Count);
        var escalation = Assert.Single(notes, n => n.Source.Page == 4);
        Assert.Equal("Tier two can be reached on extension 4471 on weekdays from 8:00 to 18:00.", escalation.Text);
        Assert.Equal(["When to escalate", PptxExtractor.NotesHeading], escalation.HeadingPath);
        Assert.DoesNotContain(document.Blocks, b => b.HeadingPath.Contains("Draft: holiday promotion"));
        Assert.DoesNotContain(document.Blocks.OfType<ParagraphBlock>(), b => b.Text == "4");
    }

    [Fact]
    public async Task A_pptx_without_a_presentation_part_is_refused_as_corrupt()
    {
        var error = await Refused(new PptxExtractor(), ZipOfZeros(1024, "ppt/slides/slide1.xml"));

        Assert.Equal("pptx_corrupt", error.Code);
    }
}
