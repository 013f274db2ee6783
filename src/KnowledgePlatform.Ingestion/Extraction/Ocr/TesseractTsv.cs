using System.Globalization;
using System.Text;

namespace KnowledgePlatform.Ingestion.Extraction.Ocr;

/// <summary>
/// Reads Tesseract's TSV output (level, page, block, paragraph, line, word, box, confidence, text) into paragraphs.
/// Words are level 5 rows; a paragraph is Tesseract's (block, paragraph); a short single-line paragraph whose
/// letters stand clearly taller than the page's usual text is a heading.
/// </summary>
public static class TesseractTsv
{
    private const double HeadingRatio = 1.3;

    /// <param name="dpi">The resolution the page was rendered at, to give text heights in points.</param>
    public static RecognizedPage Parse(string tsv, int page, int dpi)
    {
        var words = new List<Word>();
        foreach (var (_, line) in Text.Lines(tsv))
        {
            var cells = line.Split('\t');
            if (cells.Length < 12 || cells[0] != "5")
            {
                continue;
            }

            var text = cells[11].Trim();
            if (text.Length == 0 || !double.TryParse(cells[10], NumberStyles.Float, CultureInfo.InvariantCulture, out var confidence) || confidence < 0)
            {
                continue;
            }

            words.Add(new Word(Int(cells[2]), Int(cells[3]), Int(cells[4]), Int(cells[9]), confidence, text));
        }

        if (words.Count == 0)
        {
            return new RecognizedPage(page, [], 0, 0);
        }

        var bodyHeight = Median(words.Select(w => (double)w.Height));
        var paragraphs = new List<RecognizedParagraph>();
        foreach (var paragraph in words.GroupBy(w => (w.Block, w.Paragraph)))
        {
            var lines = paragraph.GroupBy(w => w.Line).ToList();
            var text = new StringBuilder();
            foreach (var line in lines)
            {
                Text.AppendWrapped(text, string.Join(' ', line.Select(w => w.Text)));
            }

            var height = Median(paragraph.Select(w => (double)w.Height));
            var heading = lines.Count == 1 && paragraph.Count() <= 12 && height >= bodyHeight * HeadingRatio && paragraph.Any(w => w.Text.Any(char.IsLetter));
            paragraphs.Add(new RecognizedParagraph(Text.Normalize(text.ToString()), heading, Math.Round(height * 72.0 / dpi * 2) / 2));
        }

        // Longer words weigh more: a misread "I" says less about the page than a misread "recalibrate".
        var weight = words.Sum(w => w.Text.Length);
        var mean = words.Sum(w => w.Confidence * w.Text.Length) / weight;
        return new RecognizedPage(page, paragraphs, words.Count, Math.Round(mean, 1));
    }

    private static int Int(string value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    private sealed record Word(int Block, int Paragraph, int Line, int Height, double Confidence, string Text);
}
