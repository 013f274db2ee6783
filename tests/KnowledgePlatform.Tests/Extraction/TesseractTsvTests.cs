using KnowledgePlatform.Ingestion.Extraction.Ocr;
using Xunit;

namespace KnowledgePlatform.Tests.Extraction;

/// <summary>Tesseract's TSV output read into paragraphs, headings and a confidence.</summary>
public sealed class TesseractTsvTests
{
    private const string Header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";

    private static string Word(int block, int par, int line, int word, int height, double conf, string text) =>
        $"5\t1\t{block}\t{par}\t{line}\t{word}\t10\t10\t50\t{height}\t{conf.ToString(System.Globalization.CultureInfo.InvariantCulture)}\t{text}";

    [Fact]
    public void Words_become_paragraphs_a_tall_short_line_a_heading_and_confidence_is_weighted_by_length()
    {
        var tsv = string.Join('\n',
            Header,
            "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t",
            Word(1, 1, 1, 1, 90, 96, "Filter"),
            Word(1, 1, 1, 2, 90, 94, "care"),
            Word(2, 1, 1, 1, 40, 90, "Rinse"),
            Word(2, 1, 1, 2, 40, 80, "the"),
            Word(2, 1, 1, 3, 42, 92, "filter"),
            Word(2, 1, 2, 1, 40, 88, "every"),
            Word(2, 1, 2, 2, 40, 91, "14"),
            Word(2, 1, 2, 3, 41, 93, "days."),
            Word(3, 1, 1, 1, 40, -1, " "));

        var page = TesseractTsv.Parse(tsv, page: 3, dpi: 300);

        Assert.Equal(3, page.Page);
        Assert.Equal(8, page.Words);
        Assert.Equal([("Filter care", true), ("Rinse the filter every 14 days.", false)], page.Paragraphs.Select(p => (p.Text, p.Heading)));
        Assert.Equal(21.5, page.Paragraphs[0].Size);
        var expected = (96 * 6 + 94 * 4 + 90 * 5 + 80 * 3 + 92 * 6 + 88 * 5 + 91 * 2 + 93 * 5) / 36.0;
        Assert.Equal(Math.Round(expected, 1), page.Confidence);
    }

    [Fact]
    public void A_page_without_words_has_no_paragraphs()
    {
        var page = TesseractTsv.Parse(Header + "\n1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n", page: 1, dpi: 300);

        Assert.Empty(page.Paragraphs);
        Assert.Equal(0, page.Words);
    }
}
