using System.Text;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace KnowledgePlatform.Bench.Ingest;

/// <summary>
/// A long, deterministic PDF for the ingestion benchmark: A4 pages of 10pt running text under 16pt
/// chapter and 12pt bold section headings, with a ruled three-column table every fourth page.
/// </summary>
internal static class BenchPdf
{
    private const double Width = 595, Height = 842, Margin = 56, Leading = 13, BodySize = 10;

    private static readonly string[] Words =
    """
    the patient clinic dose daily weekly review blood pressure kidney function heart failure treatment guideline
    adults children risk reduce increase monitor test result target range first line second option evidence trial
    symptoms severe mild moderate referral specialist urgent within hours days weeks months year assessment plan
    medicine tablet injection infusion oral twice once three times maximum minimum stop start continue adjust
    review history examination infection fever cough pain swelling rash allergy reaction contraindicated caution
    pregnancy elderly frail renal hepatic impairment interaction warfarin insulin metformin statin antibiotic course
    """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    public static byte[] Build(int pages, int seed = 42)
    {
        var random = new Random(seed);
        var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = $"Benchmark Handbook ({pages} pages)";
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        for (var number = 1; number <= pages; number++)
        {
            var page = builder.AddPage(Width, Height);
            var y = Height - Margin;
            if (number % 10 == 1)
            {
                page.AddText($"Chapter {(number / 10) + 1}: {Sentence(random, 3, 5).TrimEnd('.')}", 16, new PdfPoint(Margin, y), bold);
                y -= 28;
            }

            var section = 0;
            while (y > Margin + 60)
            {
                page.AddText($"{(number / 10) + 1}.{number % 10}.{++section} {Sentence(random, 2, 4).TrimEnd('.')}", 12, new PdfPoint(Margin, y), bold);
                y -= 20;
                if (number % 4 == 0 && section == 1)
                {
                    y = Table(page, regular, bold, random, y) - 12;
                }

                foreach (var line in Paragraph(random, lines: random.Next(6, 14)))
                {
                    if (y < Margin) break;
                    page.AddText(line, BodySize, new PdfPoint(Margin, y), regular);
                    y -= Leading;
                }

                y -= 10;
            }

            page.AddText(number.ToString(System.Globalization.CultureInfo.InvariantCulture), 9, new PdfPoint(Width / 2, Margin / 2), regular);
        }

        return builder.Build();
    }

    /// <summary>A ruled table (header + six rows, three columns); returns the y below it.</summary>
    private static double Table(PdfPageBuilder page, PdfDocumentBuilder.AddedFont regular, PdfDocumentBuilder.AddedFont bold, Random random, double top)
    {
        double[] columns = [Margin, Margin + 120, Margin + 260, Width - Margin];
        const double rowHeight = 16;
        const int rows = 7;
        for (var r = 0; r <= rows; r++)
            page.DrawLine(new PdfPoint(columns[0], top - (r * rowHeight)), new PdfPoint(columns[^1], top - (r * rowHeight)), 0.5);
        foreach (var x in columns)
            page.DrawLine(new PdfPoint(x, top), new PdfPoint(x, top - (rows * rowHeight)), 0.5);

        string[] header = ["Medicine", "Dose", "Notes"];
        for (var r = 0; r < rows; r++)
        {
            var baseline = top - (r * rowHeight) - 11.5;
            for (var c = 0; c < 3; c++)
            {
                var text = r == 0 ? header[c]
                    : c == 0 ? Capitalise(Words[random.Next(Words.Length)])
                    : c == 1 ? $"{random.Next(1, 500)} mg {Words[random.Next(Words.Length)]}"
                    : Sentence(random, 3, 6).TrimEnd('.');
                page.AddText(text, 9, new PdfPoint(columns[c] + 4, baseline), r == 0 ? bold : regular);
            }
        }

        return top - (rows * rowHeight);
    }

    private static IEnumerable<string> Paragraph(Random random, int lines)
    {
        var line = new StringBuilder();
        var emitted = 0;
        while (emitted < lines)
        {
            var sentence = Sentence(random, 6, 16);
            foreach (var word in sentence.Split(' '))
            {
                if (line.Length + word.Length + 1 > 92)
                {
                    yield return line.ToString();
                    line.Clear();
                    if (++emitted == lines) yield break;
                }

                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
        }
    }

    private static string Sentence(Random random, int min, int max)
    {
        var words = Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => Words[random.Next(Words.Length)]).ToList();
        words[0] = Capitalise(words[0]);
        return string.Join(' ', words) + ".";
    }

    private static string Capitalise(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
