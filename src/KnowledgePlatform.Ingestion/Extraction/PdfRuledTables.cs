using System.Text;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;

namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>
/// A table found from the lines drawn around its cells; <see cref="PdfItem.Top"/> is its top edge. A table of
/// one row has only a <see cref="Header"/>: it is either the end of a table from the previous page or a box.
/// </summary>
internal sealed record PdfRuledTable(
    double Top,
    double Left,
    double Right,
    IReadOnlyList<double> Columns,
    IReadOnlyList<string> Header,
    IReadOnlyList<IReadOnlyList<string>> Rows) : PdfItem(Top);

/// <summary>
/// Finds tables drawn with ruling lines: horizontal and vertical rules that touch each other form a grid,
/// and the words inside each grid cell become that cell's text. Tables without vertical rules are left
/// to the column-alignment heuristic of <see cref="PdfExtractor"/>.
/// </summary>
internal static class PdfRuledTables
{
    /// <summary>Pages with more rules than this are drawings (charts, plans), not documents with tables.</summary>
    private const int MaxRules = 2000;

    private const double Thin = 2.5;
    private const double Snap = 2.0;

    private readonly record struct Rule(bool Horizontal, double At, double From, double To);

    private sealed record Grid(double Left, double Right, double Top, double Bottom, double[] Columns, double[] Rows);

    /// <summary>The ruled tables of a page; <paramref name="words"/> loses the words that were used in them.</summary>
    public static List<PdfRuledTable> Extract(Page page, List<Word> words)
    {
        var tables = new List<PdfRuledTable>();
        foreach (var grid in FindGrids(page))
        {
            var inside = words.Where(w => Contains(grid, Center(w))).ToList();
            if (Build(grid, inside) is { } table)
            {
                tables.Add(table);
                words.RemoveAll(w => Contains(grid, Center(w)));
            }
        }

        return tables;
    }

    private static PdfPoint Center(Word word) =>
        new((word.BoundingBox.Left + word.BoundingBox.Right) / 2, (word.BoundingBox.Bottom + word.BoundingBox.Top) / 2);

    private static bool Contains(Grid grid, PdfPoint point) =>
        point.X > grid.Left && point.X < grid.Right && point.Y < grid.Top && point.Y > grid.Bottom;

    private static PdfRuledTable? Build(Grid grid, List<Word> words)
    {
        var columns = grid.Columns.Length - 1;
        var rows = grid.Rows.Length - 1;
        var cells = new List<Word>[rows, columns];
        foreach (var word in words)
        {
            var center = Center(word);
            var row = Array.FindIndex(grid.Rows, 1, y => center.Y > y) - 1;
            var column = Array.FindIndex(grid.Columns, 1, x => center.X < x) - 1;
            if (row >= 0 && column >= 0)
            {
                (cells[row, column] ??= []).Add(word);
            }
        }

        var used = Enumerable.Range(0, columns).Where(c => Enumerable.Range(0, rows).Any(r => cells[r, c] is not null)).ToList();
        var table = Enumerable.Range(0, rows)
            .Select(r => (IReadOnlyList<string>)used.Select(c => CellText(cells[r, c])).ToList())
            .Where(r => r.Any(c => c.Length > 0))
            .ToList();
        if (used.Count < 2 || table.Count < 1)
        {
            return null;
        }

        var boundaries = used.Skip(1).Select(c => grid.Columns[c]).ToList();
        return new PdfRuledTable(grid.Top, grid.Left, grid.Right, boundaries, table[0], table.Skip(1).ToList());
    }

    /// <summary>A cell's words top to bottom, left to right.</summary>
    private static string CellText(List<Word>? words)
    {
        if (words is null)
        {
            return string.Empty;
        }

        var lines = new List<List<Word>>();
        foreach (var word in words.OrderByDescending(w => w.Letters[0].StartBaseLine.Y).ThenBy(w => w.BoundingBox.Left))
        {
            var baseline = word.Letters[0].StartBaseLine.Y;
            if (lines.Count > 0 && Math.Abs(lines[^1][0].Letters[0].StartBaseLine.Y - baseline) <= 0.4 * Math.Max(word.Letters[0].PointSize, 1))
            {
                lines[^1].Add(word);
            }
            else
            {
                lines.Add([word]);
            }
        }

        var text = new StringBuilder();
        foreach (var line in lines)
        {
            Text.AppendWrapped(text, string.Join(' ', line.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text)));
        }

        return text.ToString();
    }

    /// <summary>Groups of touching rules with at least three distinct x and two distinct y positions.</summary>
    private static List<Grid> FindGrids(Page page)
    {
        var rules = Rules(page);
        if (rules.Count is < 5 or > MaxRules)
        {
            return [];
        }

        // Union-find over rules; a horizontal and a vertical rule that touch are in the same grid.
        var parent = Enumerable.Range(0, rules.Count).ToArray();
        int Find(int i)
        {
            while (parent[i] != i)
            {
                i = parent[i] = parent[parent[i]];
            }

            return i;
        }

        for (var i = 0; i < rules.Count; i++)
        {
            for (var j = i + 1; j < rules.Count; j++)
            {
                var (a, b) = (rules[i], rules[j]);
                if (a.Horizontal != b.Horizontal && Touch(a.Horizontal ? a : b, a.Horizontal ? b : a))
                {
                    parent[Find(i)] = Find(j);
                }
            }
        }

        var grids = new List<Grid>();
        foreach (var group in Enumerable.Range(0, rules.Count).GroupBy(Find).Select(g => g.Select(i => rules[i]).ToList()))
        {
            var xs = Distinct(group.Where(r => !r.Horizontal).Select(r => r.At));
            var ys = Distinct(group.Where(r => r.Horizontal).Select(r => r.At));
            if (xs.Count < 3 || ys.Count < 2)
            {
                continue;
            }

            var left = group.Min(r => r.Horizontal ? r.From : r.At);
            var right = group.Max(r => r.Horizontal ? r.To : r.At);
            var bottom = group.Min(r => r.Horizontal ? r.At : r.From);
            var top = group.Max(r => r.Horizontal ? r.At : r.To);
            grids.Add(new Grid(left, right, top, bottom, Distinct(xs.Append(left).Append(right)).ToArray(),
                Distinct(ys.Append(top).Append(bottom)).OrderDescending().ToArray()));
        }

        return grids;
    }

    private static bool Touch(Rule horizontal, Rule vertical) =>
        vertical.At >= horizontal.From - Snap && vertical.At <= horizontal.To + Snap
        && horizontal.At >= vertical.From - Snap && horizontal.At <= vertical.To + Snap;

    /// <summary>Sorted positions with those closer than <see cref="Snap"/> merged.</summary>
    private static List<double> Distinct(IEnumerable<double> positions)
    {
        var result = new List<double>();
        foreach (var position in positions.Order())
        {
            if (result.Count == 0 || position - result[^1] > Snap)
            {
                result.Add(position);
            }
        }

        return result;
    }

    /// <summary>Straight horizontal and vertical strokes, and thin filled rectangles used as rules.</summary>
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

                if (box.Height <= Thin && box.Width >= 8)
                {
                    rules.Add(new Rule(true, (box.Bottom + box.Top) / 2, box.Left, box.Right));
                }
                else if (box.Width <= Thin && box.Height >= 5)
                {
                    rules.Add(new Rule(false, (box.Left + box.Right) / 2, box.Bottom, box.Top));
                }
                else if (path.IsStroked)
                {
                    AddStrokes(subpath, rules);
                }

                if (rules.Count > MaxRules)
                {
                    return rules;
                }
            }
        }

        return rules;
    }

    /// <summary>The straight horizontal and vertical edges of a stroked shape (cell borders drawn as rectangles).</summary>
    private static void AddStrokes(PdfSubpath subpath, List<Rule> rules)
    {
        PdfPoint? start = null;
        PdfPoint? current = null;
        foreach (var command in subpath.Commands)
        {
            switch (command)
            {
                case PdfSubpath.Move move:
                    start = current = move.Location;
                    break;
                case PdfSubpath.Line line:
                    AddEdge(line.From, line.To, rules);
                    current = line.To;
                    break;
                case PdfSubpath.Close when start is { } first && current is { } last:
                    AddEdge(last, first, rules);
                    current = first;
                    break;
                default:
                    current = null;
                    break;
            }
        }
    }

    private static void AddEdge(PdfPoint from, PdfPoint to, List<Rule> rules)
    {
        if (Math.Abs(from.Y - to.Y) <= 0.5 && Math.Abs(from.X - to.X) >= 8)
        {
            rules.Add(new Rule(true, from.Y, Math.Min(from.X, to.X), Math.Max(from.X, to.X)));
        }
        else if (Math.Abs(from.X - to.X) <= 0.5 && Math.Abs(from.Y - to.Y) >= 5)
        {
            rules.Add(new Rule(false, from.X, Math.Min(from.Y, to.Y), Math.Max(from.Y, to.Y)));
        }
    }
}
