using KnowledgePlatform.Core.Text;
using UglyToad.PdfPig.Content;

namespace KnowledgePlatform.Ingestion.Extraction.Pdf;

/// <summary>
/// Places a citation's quoted words on the PDF page they were extracted from, with the same text layer (PdfPig) the
/// extractor read (decision 0146): the cited page first, then its neighbours, then the rest; one box per line of the span.
/// </summary>
public static class PdfQuoteLocator
{
    /// <summary>
    /// Places each of <paramref name="parts"/> (the pieces of a quote: an extractive citation joins passages of one chunk
    /// with " … ") and returns the boxes of all that are found; when none is, <paramref name="fallback"/> (the chunk's own
    /// text) is tried. <paramref name="page"/> is the cited page (1-based) when known. <paramref name="pdf"/> must be seekable.
    /// </summary>
    public static PdfQuoteLocation Locate(Stream pdf, int? page, IReadOnlyList<string> parts, string? fallback, CancellationToken cancellationToken)
    {
        using var document = PdfExtractor.Open(pdf);
        var count = document.NumberOfPages;
        var cited = Math.Clamp(page ?? 1, 1, Math.Max(count, 1));
        var order = new[] { cited, cited + 1, cited - 1 }.Concat(Enumerable.Range(1, count)).Where(p => p >= 1 && p <= count).Distinct().ToList();
        var pages = new Dictionary<int, PageWords>();
        PageWords Read(int number) => pages.TryGetValue(number, out var read) ? read : pages[number] = PageWords.Of(PdfExtractor.GetPage(document, number));

        var found = parts.Select(part => Find(part, order, Read, cancellationToken)).OfType<(int Page, List<PageBox> Boxes)>().ToList();
        if (found.Count == 0 && fallback is not null && Find(fallback, order, Read, cancellationToken) is { } whole) found.Add(whole);
        return found.Count == 0
            ? new PdfQuoteLocation(cited, count, [])
            : new PdfQuoteLocation(found[0].Page, count, found.SelectMany(f => f.Boxes).ToList());
    }

    private static (int Page, List<PageBox> Boxes)? Find(string quote, List<int> order, Func<int, PageWords> read, CancellationToken cancellationToken)
    {
        var wanted = QuotedSpan.Words(quote).Select(w => w.Text).ToList();
        if (wanted.Count == 0) return null;
        foreach (var number in order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = read(number);
            if (QuotedSpan.Find(page.Tokens, wanted) is not var (first, last)) continue;
            var words = page.Words.GetRange(page.WordOf[first], page.WordOf[last] - page.WordOf[first] + 1);
            return (number, Lines(number, words, page.Width, page.Height));
        }
        return null;
    }

    /// <summary>A page's words, and its tokens (letters and digits) each with the index of the word it belongs to.</summary>
    private sealed record PageWords(List<Word> Words, List<string> Tokens, List<int> WordOf, double Width, double Height)
    {
        public static PageWords Of(Page page)
        {
            var words = page.GetWords().Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
            var tokens = new List<string>();
            var wordOf = new List<int>();
            for (var i = 0; i < words.Count; i++)
            {
                foreach (var token in QuotedSpan.Words(words[i].Text))
                {
                    tokens.Add(token.Text);
                    wordOf.Add(i);
                }
            }
            return new PageWords(words, tokens, wordOf, page.Width, page.Height);
        }
    }

    /// <summary>One box per line: consecutive words whose baselines are within half a line of each other.</summary>
    private static List<PageBox> Lines(int page, List<Word> words, double width, double height)
    {
        var boxes = new List<PageBox>();
        var i = 0;
        while (i < words.Count)
        {
            var box = words[i].BoundingBox;
            double left = box.Left, right = box.Right, top = box.Top, bottom = box.Bottom;
            var j = i + 1;
            while (j < words.Count && Math.Abs(words[j].BoundingBox.Bottom - bottom) < Math.Max(box.Height, 1) / 2)
            {
                var next = words[j].BoundingBox;
                (left, right, top, bottom) = (Math.Min(left, next.Left), Math.Max(right, next.Right), Math.Max(top, next.Top), Math.Min(bottom, next.Bottom));
                j++;
            }
            boxes.Add(new PageBox(page, left / width, (height - top) / height, (right - left) / width, (top - bottom) / height));
            i = j;
        }
        return boxes;
    }
}
