using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;

namespace KnowledgePlatform.Ingestion.Extraction.Pdf;

/// <summary>
/// A table found from its drawn cell borders; <see cref="Top"/> places it in reading order, <see cref="Bottom"/>
/// and <see cref="Columns"/> (the vertical rules, left to right) tell a table continued on the next page.
/// </summary>
internal sealed record PdfTable(
    double Top,
    double Bottom,
    IReadOnlyList<double> Columns,
    IReadOnlyList<string> Header,
    IReadOnlyList<IReadOnlyList<string>> Rows) : PdfItem
{
    private const double SameColumn = 3;

    public double Left => Columns[0];

    public double Right => Columns[^1];

    /// <summary>True when <paramref name="other"/> has the same columns (same count, rules within 3 pt).</summary>
    public bool SameLayout(PdfTable other) =>
        Columns.Count == other.Columns.Count && Columns.Zip(other.Columns).All(p => Math.Abs(p.First - p.Second) <= SameColumn);
}

/// <summary>
/// Tables drawn with ruling lines (what word processors and LibreOffice export): the horizontal and
/// vertical rules that cross each other form a grid, and every word inside the grid belongs to the cell
/// under its centre. This reads multi-line and vertically centred cells correctly, which aligning lines
/// by their text cannot. Borderless tables are left to <c>PdfExtractor</c>'s column alignment.
/// </summary>
internal static class PdfRuledTables
{
    private const double Thin = 2;       // a rule is at most this thick
    private const double MinRule = 4;    // and at least this long
    private const double Touch = 3;      // rules closer than this meet
    private const double SameLine = 2.5; // rule positions closer than this are one grid line (double borders)

    private sealed record Rule(bool Horizontal, double At, double From, double To);

    /// <summary>The ruled tables of a page, and the words that are not inside one.</summary>
    public static (IReadOnlyList<PdfTable> Tables, IReadOnlyList<Word> Remaining) Find(Page page, IReadOnlyList<Word> words)
    {
        var rules = Rules(page);
        if (rules.Count < 4)
        {
            return ([], words);
        }

        var tables = new List<PdfTable>();
        var rest = words.ToList();
        foreach (var group in Connected(rules))
        {
            var rows = Cluster(group.Where(r => r.Horizontal).Select(r => r.At)).OrderDescending().ToList();
            var columns = Cluster(group.Where(r => !r.Horizontal).Select(r => r.At)).Order().ToList();
            if (rows.Count < 3 || columns.Count < 3)
            {
                continue; // fewer than two rows or two columns: a frame or a rule, not a table
            }

            var inside = rest.Where(w => Between(CenterX(w), columns[0], columns[^1]) && Between(CenterY(w), rows[^1], rows[0])).ToList();
            var cells = new List<Word>[rows.Count - 1, columns.Count - 1];
            foreach (var word in inside)
            {
                var row = rows.FindIndex(y => y < CenterY(word)) - 1;
                var column = columns.FindIndex(x => x > CenterX(word)) - 1;
                (cells[row, column] ??= []).Add(word);
            }

            var grid = Enumerable.Range(0, rows.Count - 1)
                .Select(r => (IReadOnlyList<string>)Enumerable.Range(0, columns.Count - 1).Select(c => CellText(cells[r, c])).ToArray())
                .Where(r => r.Any(c => c.Length > 0))
                .ToList();
            if (grid.Count < 2 || grid[0].Count(c => c.Length > 0) < 2)
            {
                continue;
            }

            tables.Add(new PdfTable(rows[0], rows[^1], columns, grid[0], grid.Skip(1).ToList()));
            rest = rest.Except(inside).ToList();
        }

        return (tables, rest);
    }

    private static List<Rule> Rules(Page page)
    {
        var rules = new List<Rule>();
        foreach (var path in page.Paths)
        {
            if (path.IsClipping || !(path.IsStroked || path.IsFilled))
            {
                continue;
            }

            foreach (var subpath in path)
            {
                if (subpath.GetBoundingRectangle() is not { } box)
                {
                    continue;
                }

                if (box.Height <= Thin && box.Width >= MinRule)
                {
                    rules.Add(new Rule(true, (box.Bottom + box.Top) / 2, box.Left, box.Right));
                }
                else if (box.Width <= Thin && box.Height >= MinRule)
                {
                    rules.Add(new Rule(false, (box.Left + box.Right) / 2, box.Bottom, box.Top));
                }
                else if (path.IsStroked && subpath.IsDrawnAsRectangle)
                {
                    // A stroked box: its four edges.
                    rules.Add(new Rule(true, box.Top, box.Left, box.Right));
                    rules.Add(new Rule(true, box.Bottom, box.Left, box.Right));
                    rules.Add(new Rule(false, box.Left, box.Bottom, box.Top));
                    rules.Add(new Rule(false, box.Right, box.Bottom, box.Top));
                }
                else if (path.IsStroked)
                {
                    foreach (var line in subpath.Commands.OfType<PdfSubpath.Line>())
                    {
                        AddLine(rules, line.From, line.To);
                    }
                }
            }
        }

        return rules;
    }

    private static void AddLine(List<Rule> rules, PdfPoint from, PdfPoint to)
    {
        if (Math.Abs(from.Y - to.Y) <= Thin && Math.Abs(from.X - to.X) >= MinRule)
        {
            rules.Add(new Rule(true, (from.Y + to.Y) / 2, Math.Min(from.X, to.X), Math.Max(from.X, to.X)));
        }
        else if (Math.Abs(from.X - to.X) <= Thin && Math.Abs(from.Y - to.Y) >= MinRule)
        {
            rules.Add(new Rule(false, (from.X + to.X) / 2, Math.Min(from.Y, to.Y), Math.Max(from.Y, to.Y)));
        }
    }

    /// <summary>Groups of rules joined by crossings or touching ends: one group per table.</summary>
    private static IEnumerable<List<Rule>> Connected(List<Rule> rules)
    {
        var parent = Enumerable.Range(0, rules.Count).ToArray();
        int Root(int i) => parent[i] == i ? i : parent[i] = Root(parent[i]);
        for (var i = 0; i < rules.Count; i++)
        {
            for (var j = i + 1; j < rules.Count; j++)
            {
                if (Meet(rules[i], rules[j]))
                {
                    parent[Root(i)] = Root(j);
                }
            }
        }

        return Enumerable.Range(0, rules.Count).GroupBy(Root).Select(g => g.Select(i => rules[i]).ToList());
    }

    private static bool Meet(Rule a, Rule b)
    {
        if (a.Horizontal == b.Horizontal)
        {
            // Parallel rules meet when they continue each other or double each other.
            return Math.Abs(a.At - b.At) <= SameLine && a.From <= b.To + Touch && b.From <= a.To + Touch;
        }

        var (h, v) = a.Horizontal ? (a, b) : (b, a);
        return v.At >= h.From - Touch && v.At <= h.To + Touch && h.At >= v.From - Touch && h.At <= v.To + Touch;
    }

    /// <summary>Positions closer than <see cref="SameLine"/> merged into their mean.</summary>
    private static List<double> Cluster(IEnumerable<double> positions)
    {
        var result = new List<double>();
        var group = new List<double>();
        foreach (var p in positions.Order())
        {
            if (group.Count > 0 && p - group[^1] > SameLine)
            {
                result.Add(group.Average());
                group.Clear();
            }

            group.Add(p);
        }

        if (group.Count > 0)
        {
            result.Add(group.Average());
        }

        return result;
    }

    /// <summary>A cell's words in reading order: lines top to bottom, words left to right.</summary>
    private static string CellText(List<Word>? words)
    {
        if (words is null)
        {
            return string.Empty;
        }

        var lines = new List<List<Word>>();
        foreach (var word in words.OrderByDescending(Baseline))
        {
            var line = lines.Find(l => Math.Abs(Baseline(l[0]) - Baseline(word)) < 0.4 * Math.Max(word.Letters[0].PointSize, 1));
            if (line is null)
            {
                lines.Add([word]);
            }
            else
            {
                line.Add(word);
            }
        }

        var text = new System.Text.StringBuilder();
        foreach (var line in lines)
        {
            // "angiotensin receptor-" + "neprilysin": a line ending in a hyphen continues without a space.
            if (text.Length > 0 && !(text[^1] == '-' && text.Length > 1 && char.IsLetter(text[^2])))
            {
                text.Append(' ');
            }

            text.AppendJoin(' ', line.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text));
        }

        return text.ToString();
    }

    private static double Baseline(Word word) => word.Letters[0].StartBaseLine.Y;

    private static double CenterX(Word word) => (word.BoundingBox.Left + word.BoundingBox.Right) / 2;

    private static double CenterY(Word word) => (word.BoundingBox.Bottom + word.BoundingBox.Top) / 2;

    private static bool Between(double value, double low, double high) => value > low && value < high;
}
