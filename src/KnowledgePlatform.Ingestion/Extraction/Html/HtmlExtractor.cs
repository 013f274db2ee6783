// Over 300 lines: one HTML walk (boilerplate, headings, lists, tables, figures) whose cases share the same block state.
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace KnowledgePlatform.Ingestion.Extraction.Html;

/// <summary>
/// HTML via AngleSharp, main content only: &lt;main&gt;, else the &lt;article&gt;s, else &lt;body&gt;, without
/// navigation, headers, footers, asides, scripts, styles and forms. Headings build the heading path,
/// tables keep their header row, &lt;dl&gt; terms and definitions become questions and answers.
/// Hostile nesting is bounded before parsing (<see cref="HtmlNestingLimiter"/>) and the tree is walked
/// without recursion.
/// </summary>
public sealed class HtmlExtractor : IDocumentExtractor
{
    private const int MaxNesting = 256;
    private const int MaxElements = 200_000;
    private const int MaxListDepth = 8;

    private static readonly HashSet<string> AlwaysRemoved = new(StringComparer.Ordinal)
    {
        "script", "style", "noscript", "template", "nav", "aside", "iframe", "svg", "canvas", "button",
        "select", "object", "embed", "head", "title", "dialog",
    };

    private static readonly HashSet<string> BlockElements = new(StringComparer.Ordinal)
    {
        "address", "article", "blockquote", "body", "center", "details", "div", "dd", "dt", "figcaption",
        "figure", "footer", "header", "hgroup", "hr", "li", "main", "p", "section", "summary", "td", "th", "tr",
        "caption", "fieldset", "legend", "table", "tbody", "thead", "tfoot", "form",
    };

    public FileFormat Format => FileFormat.Html;

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var html = HtmlNestingLimiter.Limit(await Text.ReadTextAsync(content, cancellationToken), MaxNesting, MaxElements);
        cancellationToken.ThrowIfCancellationRequested();
        var parser = new HtmlParser(new HtmlParserOptions { IsKeepingSourceReferences = true });
        using var document = parser.ParseDocument(html);
        cancellationToken.ThrowIfCancellationRequested();

        var walker = new Walker(cancellationToken);
        var body = (IElement?)document.Body ?? document.DocumentElement;
        var roots = FindContentRoots(body);
        foreach (var root in roots)
        {
            walker.Walk(root, removeHeaderAndFooter: root == body);
        }

        var title = Text.Normalize(document.Title);
        return walker.Blocks.Count == 0
            ? throw Text.NoText("the page")
            : new ExtractedDocument(title.Length > 0 ? title : walker.FirstH1, walker.Blocks.Blocks);
    }

    /// <summary>The &lt;main&gt; element, else the outermost &lt;article&gt;s, else the body.</summary>
    private static IReadOnlyList<IElement> FindContentRoots(IElement body)
    {
        var articles = new List<IElement>();
        var elements = Elements(
            body,
            skip: e => IsRemoved(e, removeHeaderAndFooter: true) || e.LocalName == "article",
            skipped: e =>
            {
                if (e.LocalName == "article")
                {
                    articles.Add(e);
                }
            });
        foreach (var element in elements)
        {
            if (element.LocalName == "main")
            {
                return [element];
            }
        }

        return articles.Count > 0 ? articles : [body];
    }

    /// <summary>
    /// The elements below <paramref name="root"/> in document order, without recursion; a subtree for which
    /// <paramref name="skip"/> is true is not entered (and is reported to <paramref name="skipped"/>).
    /// </summary>
    private static IEnumerable<IElement> Elements(IElement root, Func<IElement, bool> skip, Action<IElement>? skipped = null)
    {
        var stack = new Stack<(INode Parent, int Next)>();
        stack.Push((root, 0));
        while (stack.TryPop(out var frame))
        {
            var children = frame.Parent.ChildNodes;
            if (frame.Next >= children.Length)
            {
                continue;
            }

            stack.Push((frame.Parent, frame.Next + 1));
            if (children[frame.Next] is not IElement element)
            {
                continue;
            }

            if (skip(element))
            {
                skipped?.Invoke(element);
                continue;
            }

            yield return element;
            stack.Push((element, 0));
        }
    }

    /// <summary>
    /// Visits the nodes below <paramref name="root"/> in document order with an explicit stack (AngleSharp's
    /// sibling links cost a scan of the parent's children). <paramref name="enter"/> says whether to walk a
    /// node's children; <paramref name="exit"/> runs after the children of every entered node.
    /// </summary>
    private static void Traverse(INode root, Func<INode, bool> enter, Action<INode>? exit = null)
    {
        var stack = new Stack<(INode Parent, int Next)>();
        stack.Push((root, 0));
        while (stack.TryPop(out var frame))
        {
            var children = frame.Parent.ChildNodes;
            if (frame.Next >= children.Length)
            {
                if (frame.Parent != root)
                {
                    exit?.Invoke(frame.Parent);
                }

                continue;
            }

            stack.Push((frame.Parent, frame.Next + 1));
            var child = children[frame.Next];
            if (enter(child))
            {
                stack.Push((child, 0));
            }
        }
    }

    private static bool IsRemoved(IElement element, bool removeHeaderAndFooter)
    {
        var name = element.LocalName;
        if (AlwaysRemoved.Contains(name) || element.HasAttribute("hidden")
            || string.Equals(element.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var role = element.GetAttribute("role");
        if (string.Equals(role, "navigation", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (removeHeaderAndFooter && (name is "header" or "footer"
            || string.Equals(role, "banner", StringComparison.OrdinalIgnoreCase)
            || string.Equals(role, "contentinfo", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        // Some sites wrap the whole page in one <form>; only forms without real content are dropped.
        return name == "form" && !Elements(element, _ => false).Any(e => IsHeading(e, out _) || e.LocalName is "p" or "article" or "main");
    }

    private static bool IsHeading(IElement element, out int level)
    {
        var name = element.LocalName;
        level = name.Length == 2 && name[0] == 'h' && name[1] is >= '1' and <= '6' ? name[1] - '0' : 0;
        return level > 0;
    }

    private static int? LineOf(IElement element) => element.SourceReference?.Position.Line is int line and > 0 ? line : null;

    /// <summary>The text below an element; nested lists go to <paramref name="nestedLists"/> instead when given.</summary>
    private static string TextOf(IElement root, bool keepLines = false, List<IElement>? nestedLists = null)
    {
        var builder = new StringBuilder();
        Traverse(root, node =>
        {
            switch (node)
            {
                case IText text:
                    builder.Append(text.Data);
                    return false;
                case IElement { LocalName: "br" }:
                    builder.Append(keepLines ? '\n' : ' ');
                    return false;
                case IElement { LocalName: "ul" or "ol" } list when nestedLists is not null:
                    nestedLists.Add(list);
                    return false;
                case IElement element when !IsRemoved(element, removeHeaderAndFooter: false):
                    if (BlockElements.Contains(element.LocalName))
                    {
                        builder.Append(keepLines ? '\n' : ' ');
                    }

                    return true;
                default:
                    return false;
            }
        });

        return builder.ToString();
    }

    private sealed class Walker(CancellationToken cancellationToken)
    {
        private readonly HeadingStack headings = new();
        private readonly StringBuilder buffer = new();
        private int? bufferLine;
        private bool removeHeaderAndFooter;
        private int visited;

        public BlockList Blocks { get; } = new();

        public string? FirstH1 { get; private set; }

        public void Walk(IElement root, bool removeHeaderAndFooter)
        {
            this.removeHeaderAndFooter = removeHeaderAndFooter;
            Traverse(root, Enter, Exit);
            Flush();
        }

        /// <summary>Handles a node; true when its children should be walked.</summary>
        private bool Enter(INode node)
        {
            if (++visited % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (node is IText text)
            {
                if (buffer.Length == 0 && !string.IsNullOrWhiteSpace(text.Data))
                {
                    bufferLine = text.ParentElement is { } parent ? LineOf(parent) : null;
                }

                buffer.Append(text.Data);
                return false;
            }

            if (node is not IElement element || IsRemoved(element, removeHeaderAndFooter))
            {
                return false;
            }

            var source = new SourceSpan(Line: LineOf(element));
            if (IsHeading(element, out var level))
            {
                Flush();
                var heading = Text.Normalize(TextOf(element));
                if (level == 1 && heading.Length > 0)
                {
                    FirstH1 ??= heading;
                }

                headings.PushLevel(level, heading);
                return false;
            }

            switch (element.LocalName)
            {
                case "br":
                    buffer.Append(' ');
                    return false;
                case "pre":
                    Flush();
                    Blocks.AddLines(TextOf(element, keepLines: true), headings.Path, source);
                    return false;
                case "ul" or "ol":
                    Flush();
                    var lines = new List<string>();
                    RenderList(element, 0, lines);
                    Blocks.AddList(lines, headings.Path, source);
                    return false;
                case "dl":
                    Flush();
                    EmitDefinitions(element, source);
                    return false;
                case "table" when !IsLayoutTable(element):
                    Flush();
                    EmitTable(element, source);
                    return false;
            }

            if (BlockElements.Contains(element.LocalName))
            {
                Flush();
            }

            return true;
        }

        private void Exit(INode node)
        {
            if (node is IElement element && BlockElements.Contains(element.LocalName))
            {
                Flush();
            }
        }

        private void Flush()
        {
            if (buffer.Length > 0)
            {
                Blocks.AddParagraph(buffer.ToString(), headings.Path, new SourceSpan(Line: bufferLine));
                buffer.Clear();
            }

            bufferLine = null;
        }

        private static void RenderList(IElement list, int depth, List<string> lines)
        {
            foreach (var child in list.Children)
            {
                var nested = new List<IElement>();
                if (child.LocalName is "ul" or "ol")
                {
                    nested.Add(child);
                }
                else if (child.LocalName == "li")
                {
                    var item = Text.Normalize(TextOf(child, nestedLists: depth < MaxListDepth ? nested : null));
                    if (item.Length > 0)
                    {
                        lines.Add(Text.ListItem(item, depth));
                    }
                }

                foreach (var sub in nested)
                {
                    RenderList(sub, depth + 1, lines);
                }
            }
        }

        private void EmitDefinitions(IElement list, SourceSpan source)
        {
            string? question = null;
            var answers = new List<string>();
            var line = source.Line;

            void Emit()
            {
                if (question is not null || answers.Count > 0)
                {
                    Blocks.AddQuestion(question ?? string.Empty, string.Join('\n', answers), headings.Path, new SourceSpan(Line: line));
                }

                question = null;
                answers.Clear();
            }

            // <dt>/<dd> pairs, possibly wrapped in <div>s.
            var items = list.Children.SelectMany(c => c.LocalName == "div" ? c.Children : (IEnumerable<IElement>)[c]);
            foreach (var item in items)
            {
                var text = Text.Normalize(TextOf(item));
                if (item.LocalName == "dt")
                {
                    if (answers.Count > 0)
                    {
                        Emit();
                    }

                    question = question is null ? text : $"{question} / {text}";
                    line = LineOf(item) ?? line;
                }
                else if (item.LocalName == "dd" && text.Length > 0)
                {
                    answers.Add(text);
                }
            }

            Emit();
        }

        private void EmitTable(IElement table, SourceSpan source)
        {
            string? caption = null;
            IReadOnlyList<string>? header = null;
            var rows = new List<IReadOnlyList<string>>();
            foreach (var (row, owner) in Rows(table))
            {
                if (row is null)
                {
                    caption = TextOf(owner);
                    continue;
                }

                var cells = row.Children.Where(c => c.LocalName is "td" or "th").Select(c => TextOf(c)).ToList();
                if (header is null)
                {
                    header = cells;
                }
                else
                {
                    rows.Add(cells);
                }
            }

            if (header is not null)
            {
                Blocks.AddTable(header, rows, headings.Path, source, caption);
            }
        }

        /// <summary>The table's rows, header section first; a null row carries the caption element.</summary>
        private static IEnumerable<(IElement? Row, IElement Owner)> Rows(IElement table)
        {
            var sections = table.Children.ToList();
            foreach (var section in sections.Where(s => s.LocalName == "caption"))
            {
                yield return (null, section);
            }

            foreach (var section in sections.OrderBy(s => s.LocalName == "thead" ? 0 : 1))
            {
                if (section.LocalName == "tr")
                {
                    yield return (section, section);
                }
                else if (section.LocalName is "thead" or "tbody" or "tfoot")
                {
                    foreach (var row in section.Children.Where(r => r.LocalName == "tr"))
                    {
                        yield return (row, section);
                    }
                }
            }
        }

        /// <summary>A table used for page layout: one column, or cells holding headings or other tables.</summary>
        private static bool IsLayoutTable(IElement table)
        {
            var columns = 0;
            foreach (var (row, _) in Rows(table))
            {
                columns = Math.Max(columns, row?.Children.Count(c => c.LocalName is "td" or "th") ?? 0);
            }

            return columns <= 1 || Elements(table, _ => false).Any(e => e.LocalName == "table" || IsHeading(e, out _));
        }
    }
}
