using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace KnowledgePlatform.Ingestion.Extraction.Office;

/// <summary>
/// Word (.docx) via the Open XML SDK: Title/Heading styles (by style id, style name or outline level)
/// build the heading path, numbered or bulleted paragraphs become one list block, tables keep their first
/// row as header. The archive is checked for zip bombs before it is opened.
/// </summary>
public sealed partial class DocxExtractor : IDocumentExtractor
{
    public FileFormat Format => FileFormat.Docx;

    public Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken) =>
        OpenXmlArchive.Word.ExtractAsync(content, (stream, settings) => WordprocessingDocument.Open(stream, false, settings),
            document => Read(document, cancellationToken), cancellationToken);

    private static ExtractionException Corrupt(Exception? inner = null) => OpenXmlArchive.Word.Corrupt(inner);

    private static ExtractedDocument Read(WordprocessingDocument document, CancellationToken cancellationToken)
    {
        var main = document.MainDocumentPart ?? throw Corrupt();
        var body = main.Document?.Body ?? throw Corrupt();
        var styles = StyleMap.From(main.StyleDefinitionsPart?.Styles);
        var blocks = new BlockList();
        var headings = new HeadingStack();
        var list = new List<string>();
        string? firstTitle = null;
        string? firstHeading1 = null;

        void FlushList()
        {
            blocks.AddList(list, headings.Path, new SourceSpan());
            list.Clear();
        }

        // Body content in order, looking into content controls and custom XML without recursion.
        var pending = new Stack<OpenXmlElement>(body.ChildElements.Reverse());
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (pending.Pop())
            {
                case W.Paragraph paragraph:
                    var text = Text.Normalize(ParagraphText(paragraph));
                    var kind = styles.Classify(paragraph);
                    if (kind.IsList)
                    {
                        if (text.Length > 0)
                        {
                            list.Add(Text.ListItem(text, kind.ListLevel));
                        }

                        continue;
                    }

                    FlushList();
                    if (kind.HeadingLevel is { } level)
                    {
                        if (level == 0)
                        {
                            firstTitle ??= text.Length > 0 ? text : null;
                        }
                        else if (level == 1)
                        {
                            firstHeading1 ??= text.Length > 0 ? text : null;
                        }

                        headings.PushLevel(level, text);
                    }
                    else
                    {
                        blocks.AddParagraph(text, headings.Path, new SourceSpan());
                    }

                    break;
                case W.Table table:
                    FlushList();
                    AddTable(table, blocks, headings.Path);
                    break;
                case W.SectionProperties:
                    break;
                case var container:
                    foreach (var child in container.ChildElements.Reverse())
                    {
                        pending.Push(child);
                    }

                    break;
            }
        }

        FlushList();
        if (blocks.Count == 0)
        {
            throw Text.NoText("the Word document");
        }

        var title = Text.Normalize(document.PackageProperties.Title);
        return new ExtractedDocument(title.Length > 0 ? title : firstTitle ?? firstHeading1, blocks.Blocks);
    }

    private static void AddTable(W.Table table, BlockList blocks, IReadOnlyList<string> headingPath)
    {
        var rows = table.Descendants<W.TableRow>()
            .Where(r => r.Ancestors<W.Table>().FirstOrDefault() == table)
            .Select(r => (IReadOnlyList<string>)r.Descendants<W.TableCell>()
                .Where(c => c.Ancestors<W.TableRow>().FirstOrDefault() == r)
                .Select(c => string.Join(' ', c.Descendants<W.Paragraph>().Select(ParagraphText)))
                .ToList())
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        if (rows.Max(r => r.Count) <= 1)
        {
            // A one-column table is a box around text, not data.
            foreach (var row in rows)
            {
                blocks.AddParagraph(string.Join(' ', row), headingPath, new SourceSpan());
            }

            return;
        }

        blocks.AddTable(rows[0], rows.Skip(1), headingPath, new SourceSpan());
    }

    private static string ParagraphText(W.Paragraph paragraph)
    {
        var builder = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case W.Text text:
                    builder.Append(text.Text);
                    break;
                case W.TabChar or W.Break or W.CarriageReturn:
                    builder.Append(' ');
                    break;
                case W.NoBreakHyphen:
                    builder.Append('-');
                    break;
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"^heading\s*([1-9])$", RegexOptions.IgnoreCase)]
    private static partial Regex HeadingName();

    private readonly record struct ParagraphKind(int? HeadingLevel, bool IsList, int ListLevel);

    /// <summary>What each paragraph style means: a heading level (0 = Title), a list, or plain text.</summary>
    private sealed class StyleMap
    {
        private readonly Dictionary<string, W.Style> byId = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, (int? Heading, bool List)> resolved = new(StringComparer.OrdinalIgnoreCase);

        public static StyleMap From(W.Styles? styles)
        {
            var map = new StyleMap();
            foreach (var style in styles?.Elements<W.Style>() ?? [])
            {
                if (style.StyleId?.Value is { } id)
                {
                    map.byId.TryAdd(id, style);
                }
            }

            return map;
        }

        public ParagraphKind Classify(W.Paragraph paragraph)
        {
            var properties = paragraph.ParagraphProperties;
            var styleId = properties?.ParagraphStyleId?.Val?.Value;
            var (heading, list) = styleId is null ? (null, false) : Resolve(styleId);

            if (properties?.OutlineLevel?.Val?.Value is int outline)
            {
                heading = outline < 9 ? outline + 1 : null;
            }

            var numbering = properties?.NumberingProperties;
            if (numbering?.NumberingId?.Val?.Value is int numberingId)
            {
                list = numberingId != 0;
            }

            return heading is not null
                ? new ParagraphKind(heading, false, 0)
                : new ParagraphKind(null, list, numbering?.NumberingLevelReference?.Val?.Value ?? 0);
        }

        private (int? Heading, bool List) Resolve(string styleId)
        {
            if (resolved.TryGetValue(styleId, out var known))
            {
                return known;
            }

            (int? Heading, bool List) result = (FromName(styleId), styleId.StartsWith("List", StringComparison.OrdinalIgnoreCase));
            var id = styleId;
            for (var hops = 0; hops < 10 && byId.TryGetValue(id, out var style); hops++)
            {
                var properties = style.StyleParagraphProperties;
                var level = FromName(style.StyleName?.Val?.Value) ?? FromName(id)
                    ?? (properties?.OutlineLevel?.Val?.Value is int outline and < 9 ? outline + 1 : null);
                var list = properties?.NumberingProperties?.NumberingId?.Val?.Value is int numberingId && numberingId != 0;
                if (level is not null || list)
                {
                    result = (level, list && level is null);
                    break;
                }

                if (style.BasedOn?.Val?.Value is not { } parent)
                {
                    break;
                }

                id = parent;
            }

            resolved[styleId] = result;
            return result;
        }

        private static int? FromName(string? name)
        {
            if (name is null)
            {
                return null;
            }

            if (string.Equals(name, "Title", StringComparison.OrdinalIgnoreCase))
            {
                return 0;
            }

            var match = HeadingName().Match(name);
            return match.Success ? match.Groups[1].Value[0] - '0' : null;
        }
    }
}
