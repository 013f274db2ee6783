using UglyToad.PdfPig.Content;

namespace KnowledgePlatform.Ingestion.Extraction.Pdf;

/// <summary>A run of words on a line, separated from the next run by a gap wide enough to be a column break.</summary>
internal sealed record PdfSegment(double Left, double Right, string Text);

/// <summary>What a page holds in reading order: lines of text and ruled tables.</summary>
internal abstract record PdfItem;

/// <summary>One line of text on a PDF page (y grows upwards, as in PDF user space).</summary>
internal sealed record PdfLine(double Baseline, double Left, double Right, double FontSize, bool Bold, int Words, IReadOnlyList<PdfSegment> Segments) : PdfItem
{
    public string Text { get; } = string.Join(' ', Segments.Select(s => s.Text));
}

/// <summary>
/// Turns a page's words into lines in reading order: top to bottom, and for a two-column page the left
/// column before the right one. Lines are split into segments at large horizontal gaps (table columns).
/// Ruled tables are read first (<see cref="PdfRuledTables"/>) and take their place among the lines.
/// </summary>
internal static class PdfLayout
{
    private static readonly HashSet<string> ListMarkers = ["•", "▪", "◦", "‣", "∙", "·", "●", "○", "■", "□", "–", "-", "*"];

    public static IReadOnlyList<PdfItem> Read(Page page)
    {
        var words = page.GetWords().Where(w => w.Letters.Count > 0 && !string.IsNullOrWhiteSpace(w.Text)).ToList();
        var (tables, rest) = PdfRuledTables.Find(page, words);
        var horizontal = rest.Where(w => w.TextOrientation == TextOrientation.Horizontal).ToList();
        var items = new List<PdfItem>();
        if (FindGutter(horizontal, page.Width) is { } gutter)
        {
            items.AddRange(InOrder(GroupIntoLines(horizontal.Where(w => Center(w) < gutter)), tables.Where(t => (t.Left + t.Right) / 2 < gutter)));
            items.AddRange(InOrder(GroupIntoLines(horizontal.Where(w => Center(w) >= gutter)), tables.Where(t => (t.Left + t.Right) / 2 >= gutter)));
        }
        else
        {
            items.AddRange(InOrder(GroupIntoLines(horizontal), tables));
        }

        // Rotated text (stamps, margins, rotated pages) keeps its content order, as one line.
        var rotated = rest.Where(w => w.TextOrientation != TextOrientation.Horizontal).ToList();
        if (rotated.Count > 0)
        {
            var size = FontSize(rotated.SelectMany(w => w.Letters));
            items.Add(new PdfLine(double.MinValue, 0, 0, size, false, rotated.Count, [new PdfSegment(0, 0, string.Join(' ', rotated.Select(w => w.Text)))]));
        }

        return items;
    }

    /// <summary>Each table goes before the first line below its top edge.</summary>
    private static List<PdfItem> InOrder(List<PdfLine> lines, IEnumerable<PdfTable> tables)
    {
        var items = new List<PdfItem>(lines);
        foreach (var table in tables.OrderBy(t => t.Top))
        {
            var at = items.FindIndex(i => i is PdfLine l && l.Baseline < table.Top);
            items.Insert(at < 0 ? items.Count : at, table);
        }

        return items;
    }

    /// <summary>The most common letter size, weighted by letter count.</summary>
    public static double FontSize(IEnumerable<Letter> letters) =>
        letters.GroupBy(l => Math.Round(l.PointSize * 2) / 2).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).FirstOrDefault()?.Key ?? 0;

    public static bool IsBold(Letter letter) =>
        letter.FontDetails?.IsBold == true
        || (letter.FontName is { } name && (name.Contains("Bold", StringComparison.OrdinalIgnoreCase)
            || name.Contains("Black", StringComparison.OrdinalIgnoreCase) || name.Contains("Heavy", StringComparison.OrdinalIgnoreCase)));

    /// <summary>A bullet, or an item number such as "1." or "b)".</summary>
    private static bool IsListMarker(string text) =>
        ListMarkers.Contains(text)
        || (text.Length is >= 2 and <= 3 && text[^1] is '.' or ')' && text[..^1].All(char.IsAsciiDigit))
        || (text.Length == 2 && char.IsAsciiLetterLower(text[0]) && text[1] == ')');

    private static double Center(Word word) => (word.BoundingBox.Left + word.BoundingBox.Right) / 2;

    private static double Baseline(Word word) => word.Letters[0].StartBaseLine.Y;

    private static List<PdfLine> GroupIntoLines(IEnumerable<Word> words)
    {
        var lines = new List<PdfLine>();
        var current = new List<Word>();
        var baseline = 0.0;
        var size = 0.0;
        foreach (var word in words.OrderByDescending(Baseline).ThenBy(w => w.BoundingBox.Left))
        {
            var wordSize = Math.Max(word.Letters[0].PointSize, 1);
            if (current.Count > 0 && Math.Abs(Baseline(word) - baseline) > 0.4 * Math.Max(size, wordSize))
            {
                lines.Add(MakeLine(current));
                current.Clear();
            }

            if (current.Count == 0)
            {
                baseline = Baseline(word);
                size = wordSize;
            }

            current.Add(word);
        }

        if (current.Count > 0)
        {
            lines.Add(MakeLine(current));
        }

        return lines;
    }

    private static PdfLine MakeLine(List<Word> words)
    {
        words.Sort((a, b) => a.BoundingBox.Left.CompareTo(b.BoundingBox.Left));
        var letters = words.SelectMany(w => w.Letters).ToList();
        var size = FontSize(letters);
        var bold = letters.Count(IsBold) >= 0.7 * letters.Count;
        var gapLimit = Math.Max(size, 4);

        var segments = new List<PdfSegment>();
        var start = 0;
        for (var i = 1; i <= words.Count; i++)
        {
            if (i < words.Count && words[i].BoundingBox.Left - words[i - 1].BoundingBox.Right <= gapLimit)
            {
                continue;
            }

            var run = words.GetRange(start, i - start);
            var segment = new PdfSegment(run[0].BoundingBox.Left, run.Max(w => w.BoundingBox.Right), string.Join(' ', run.Select(w => w.Text)));
            if (segments.Count == 1 && IsListMarker(segments[0].Text))
            {
                // "•   text" is a list item, not a two-column row.
                segment = new PdfSegment(segments[0].Left, segment.Right, $"{segments[0].Text} {segment.Text}");
                segments.Clear();
            }

            segments.Add(segment);
            start = i;
        }

        return new PdfLine(Baseline(words[0]), words[0].BoundingBox.Left, words.Max(w => w.BoundingBox.Right), size, bold, words.Count, segments);
    }

    /// <summary>
    /// The x of a gutter between two text columns: a vertical strip in the middle of the page that (almost)
    /// no word crosses, with prose-like lines (several words each) on both sides; null for one-column pages.
    /// </summary>
    private static double? FindGutter(List<Word> words, double pageWidth)
    {
        if (words.Count < 40 || pageWidth <= 0)
        {
            return null;
        }

        var width = (int)Math.Ceiling(pageWidth) + 1;
        var coverage = new int[width + 1];
        foreach (var word in words)
        {
            var left = Math.Clamp((int)Math.Floor(word.BoundingBox.Left), 0, width - 1);
            var right = Math.Clamp((int)Math.Ceiling(word.BoundingBox.Right), left, width - 1);
            coverage[left]++;
            coverage[right + 1]--;
        }

        var tolerance = Math.Max(2, words.Count / 50);
        int bestStart = -1, bestLength = 0, runStart = -1, crossing = 0;
        for (var x = 0; x < width; x++)
        {
            crossing += coverage[x];
            var inBand = x >= pageWidth * 0.3 && x <= pageWidth * 0.7;
            if (inBand && crossing <= tolerance)
            {
                runStart = runStart < 0 ? x : runStart;
                if (x - runStart + 1 > bestLength)
                {
                    (bestStart, bestLength) = (runStart, x - runStart + 1);
                }
            }
            else
            {
                runStart = -1;
            }
        }

        if (bestLength < 8)
        {
            return null;
        }

        var gutter = bestStart + (bestLength / 2.0);
        var leftLines = GroupIntoLines(words.Where(w => Center(w) < gutter));
        var rightLines = GroupIntoLines(words.Where(w => Center(w) >= gutter));
        // Prose lines hold several words and no column gaps; table rows beside each other are not two columns.
        static bool Prose(List<PdfLine> lines) =>
            lines.Count >= 5 && lines.Average(l => l.Words) >= 4 && lines.Count(l => l.Segments.Count == 1) >= 0.8 * lines.Count;
        return Prose(leftLines) && Prose(rightLines) ? gutter : null;
    }
}
