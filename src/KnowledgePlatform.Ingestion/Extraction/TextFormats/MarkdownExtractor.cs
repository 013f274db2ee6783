// Over 300 lines: one Markdig walk whose block kinds (headings, lists, tables, code, front matter) share the same block state.
using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.DefinitionLists;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax.Inlines;
using Md = Markdig.Syntax;

namespace KnowledgePlatform.Ingestion.Extraction.TextFormats;

/// <summary>
/// Markdown via Markdig: headings build the heading path, pipe tables become tables, a heading ending
/// in '?' followed by text becomes a question and its answer. Lines are 1-based.
/// </summary>
public sealed partial class MarkdownExtractor : IDocumentExtractor
{
    /// <summary>Nesting (quotes, lists, containers) deeper than this is read as flat text.</summary>
    private const int MaxDepth = 16;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAdvancedExtensions()
        .UseYamlFrontMatter()
        .Build();

    public FileFormat Format => FileFormat.Markdown;

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var text = await Text.ReadTextAsync(content, cancellationToken);
        var document = Markdown.Parse(text, Pipeline);
        var walker = new Walker(cancellationToken);
        walker.VisitChildren(document, depth: 0);
        walker.FlushQuestion();
        return walker.Blocks.Count == 0
            ? throw Text.EmptyFile()
            : new ExtractedDocument(walker.Title, walker.Blocks.Blocks);
    }

    private sealed class Walker(CancellationToken cancellationToken)
    {
        private readonly HeadingStack headings = new();
        private PendingQuestion? question;

        public BlockList Blocks { get; } = new();

        public string? Title { get; private set; }

        public void VisitChildren(Md.ContainerBlock container, int depth)
        {
            foreach (var child in container)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Visit(child, depth);
            }
        }

        public void FlushQuestion()
        {
            if (question is { } q && q.Answer.Count > 0)
            {
                Blocks.AddQuestion(q.Question, string.Join('\n', q.Answer), q.HeadingPath, q.Source);
            }

            question = null;
        }

        private void Visit(Md.Block block, int depth)
        {
            var source = new SourceSpan(Line: block.Line + 1);
            switch (block)
            {
                case Md.HeadingBlock heading:
                    VisitHeading(heading, source);
                    break;
                case YamlFrontMatterBlock or Md.ThematicBreakBlock or Md.LinkReferenceDefinitionGroup or Md.BlankLineBlock:
                    break;
                case Md.HtmlBlock html:
                    // Raw HTML such as <details>: its text without the tags; comments and scripts are dropped.
                    if (html.Type is Md.HtmlBlockType.InterruptingBlock or Md.HtmlBlockType.NonInterruptingBlock)
                    {
                        Emit(HtmlTag().Replace(html.Lines.ToString(), " "), source, keepLines: false);
                    }

                    break;
                case Table table:
                    EmitTable(table, source);
                    break;
                case Md.ListBlock list:
                    var items = new List<string>();
                    RenderList(list, 0, items);
                    Emit(string.Join('\n', items), source, keepLines: true);
                    break;
                case Md.CodeBlock code:
                    Emit(code.Lines.ToString(), source, keepLines: true);
                    break;
                case DefinitionList definitions:
                    EmitDefinitions(definitions);
                    break;
                case Md.QuoteBlock quote:
                    Emit(Flatten(quote), source, keepLines: false);
                    break;
                case Md.ContainerBlock container when depth < MaxDepth:
                    VisitChildren(container, depth + 1);
                    break;
                default:
                    Emit(Flatten(block), source, keepLines: false);
                    break;
            }
        }

        private void VisitHeading(Md.HeadingBlock heading, SourceSpan source)
        {
            FlushQuestion();
            var text = Text.Normalize(InlineText(heading));
            if (text.Length == 0)
            {
                return;
            }

            // A question is also a heading, so deeper headings under an unanswered question keep it in their path.
            headings.PushLevel(heading.Level, text);
            if (heading.Level == 1)
            {
                Title ??= text;
            }
            else if (text.EndsWith('?'))
            {
                question = new PendingQuestion(text, headings.Path.Take(headings.Path.Count - 1).ToArray(), source);
            }
        }

        private void Emit(string text, SourceSpan source, bool keepLines)
        {
            if (question is { } q)
            {
                var normalized = keepLines ? Text.NormalizeLines(text) : Text.Normalize(text);
                if (normalized.Length > 0)
                {
                    q.Answer.Add(normalized);
                }
            }
            else if (keepLines)
            {
                Blocks.AddLines(text, headings.Path, source);
            }
            else
            {
                Blocks.AddParagraph(text, headings.Path, source);
            }
        }

        private void EmitTable(Table table, SourceSpan source)
        {
            var rows = new List<IReadOnlyList<string>>();
            IReadOnlyList<string>? header = null;
            foreach (var row in table.OfType<TableRow>())
            {
                var cells = row.OfType<TableCell>().Select(Flatten).ToList();
                if (header is null && (row.IsHeader || rows.Count == 0))
                {
                    header = cells;
                }
                else
                {
                    rows.Add(cells);
                }
            }

            if (header is null)
            {
                return;
            }

            if (question is not null)
            {
                // Inside an answer the table stays with it, as "a | b" lines.
                Emit(string.Join('\n', rows.Prepend(header).Select(r => string.Join(" | ", r))), source, keepLines: true);
                return;
            }

            Blocks.AddTable(header, rows, headings.Path, source);
        }

        private void EmitDefinitions(DefinitionList definitions)
        {
            FlushQuestion();
            foreach (var item in definitions.OfType<DefinitionItem>())
            {
                var terms = item.OfType<DefinitionTerm>().Select(Flatten);
                var answer = item.Where(b => b is not DefinitionTerm).Select(Flatten);
                Blocks.AddQuestion(string.Join(" / ", terms), string.Join('\n', answer), headings.Path, new SourceSpan(Line: item.Line + 1));
            }
        }

        private static void RenderList(Md.ListBlock list, int depth, List<string> lines)
        {
            foreach (var item in list.OfType<Md.ListItemBlock>())
            {
                var text = new StringBuilder();
                var nested = new List<Md.ListBlock>();
                foreach (var child in item)
                {
                    if (child is Md.ListBlock sub && depth < MaxDepth / 2)
                    {
                        nested.Add(sub);
                    }
                    else
                    {
                        text.Append(Flatten(child)).Append(' ');
                    }
                }

                var itemText = Text.Normalize(text.ToString());
                if (itemText.Length > 0)
                {
                    lines.Add(Text.ListItem(itemText, depth));
                }

                foreach (var sub in nested)
                {
                    RenderList(sub, depth + 1, lines);
                }
            }
        }
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex HtmlTag();

    private sealed record PendingQuestion(string Question, IReadOnlyList<string> HeadingPath, SourceSpan Source)
    {
        public List<string> Answer { get; } = [];
    }

    /// <summary>All text of a block and its descendants, in order, without recursion.</summary>
    private static string Flatten(Md.Block block)
    {
        var builder = new StringBuilder();
        var stack = new Stack<Md.Block>();
        stack.Push(block);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            switch (current)
            {
                case Md.ContainerBlock container:
                    for (var i = container.Count - 1; i >= 0; i--)
                    {
                        stack.Push(container[i]);
                    }

                    break;
                case Md.HtmlBlock:
                    break;
                case Md.LeafBlock leaf:
                    builder.Append(InlineText(leaf)).Append(' ');
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>The text of a leaf block's inlines (or its raw lines when it has none), without recursion.</summary>
    private static string InlineText(Md.LeafBlock leaf)
    {
        if (leaf.Inline is not { } root)
        {
            return leaf.Lines.ToString();
        }

        var builder = new StringBuilder();
        var node = root.FirstChild;
        while (node is not null)
        {
            switch (node)
            {
                case LiteralInline literal:
                    builder.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    builder.Append(code.Content);
                    break;
                case LineBreakInline:
                    builder.Append(' ');
                    break;
                case HtmlEntityInline entity:
                    builder.Append(entity.Transcoded.AsSpan());
                    break;
                case AutolinkInline link:
                    builder.Append(link.Url);
                    break;
            }

            if (node is ContainerInline { FirstChild: { } first })
            {
                node = first;
                continue;
            }

            Inline? next = null;
            for (Inline? current = node; current is not null && current != root; current = current.Parent)
            {
                if (current.NextSibling is { } sibling)
                {
                    next = sibling;
                    break;
                }
            }

            node = next;
        }

        return builder.ToString();
    }
}
