using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;

namespace KnowledgePlatform.Ingestion.Extraction.Office;

/// <summary>
/// PowerPoint (.pptx) via the Open XML SDK: each visible slide, in the deck's order, is a section headed by its
/// title (title or centred-title placeholder; "Slide N" without one). Content placeholders become lists (with
/// their indent levels), text boxes paragraphs, tables keep their first row as header, and the speaker notes
/// follow under "Speaker notes". A block's page is its slide number. Grouped shapes are read in place; charts,
/// SmartArt and pictures hold no text the deck does not repeat. The archive is checked for zip bombs first.
/// </summary>
public sealed class PptxExtractor : IDocumentExtractor
{
    public const string NotesHeading = "Speaker notes";

    public FileFormat Format => FileFormat.Pptx;

    public Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken) =>
        OpenXmlArchive.PowerPoint.ExtractAsync(content, (stream, settings) => PresentationDocument.Open(stream, false, settings),
            document => Read(document, cancellationToken), cancellationToken);

    private static ExtractedDocument Read(PresentationDocument document, CancellationToken cancellationToken)
    {
        var presentation = document.PresentationPart ?? throw OpenXmlArchive.PowerPoint.Corrupt();
        var slideIds = presentation.Presentation?.SlideIdList?.Elements<P.SlideId>() ?? [];
        var blocks = new BlockList();
        string? firstTitle = null;
        var number = 0;
        foreach (var slideId in slideIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            if (slideId.RelationshipId?.Value is not { } id || presentation.GetPartById(id) is not SlidePart part || part.Slide is not { } slide)
            {
                continue;
            }

            if (slide.Show?.Value == false)
            {
                continue; // hidden slides are not presented, so they are not part of what the deck says
            }

            var shapes = Shapes(slide.CommonSlideData?.ShapeTree).ToList();
            var title = Text.Normalize(string.Join(' ', shapes.Where(IsTitle).Select(ShapeText)));
            firstTitle ??= title.Length > 0 ? title : null;
            IReadOnlyList<string> heading = [title.Length > 0 ? title : $"Slide {number}"];
            var source = new SourceSpan(Page: number);
            foreach (var shape in shapes.Where(s => !IsTitle(s) && !IsChrome(s)))
            {
                ReadShape(shape, blocks, heading, source);
            }

            var notes = Shapes(part.NotesSlidePart?.NotesSlide?.CommonSlideData?.ShapeTree)
                .Where(s => Placeholder(s) == P.PlaceholderValues.Body).Select(ShapeText);
            blocks.AddParagraph(string.Join(' ', notes), [.. heading, NotesHeading], source);
        }

        if (blocks.Count == 0)
        {
            throw Text.NoText("the presentation");
        }

        var deckTitle = Text.Normalize(document.PackageProperties.Title);
        return new ExtractedDocument(deckTitle.Length > 0 ? deckTitle : firstTitle, blocks.Blocks);
    }

    private static void ReadShape(OpenXmlElement shape, BlockList blocks, IReadOnlyList<string> heading, SourceSpan source)
    {
        switch (shape)
        {
            case P.GraphicFrame frame when frame.Descendants<A.Table>().FirstOrDefault() is { } table:
                var rows = table.Elements<A.TableRow>()
                    .Select(row => (IReadOnlyList<string>)row.Elements<A.TableCell>().Select(cell => string.Join(' ', Paragraphs(cell.TextBody))).ToList())
                    .ToList();
                if (rows.Count > 0)
                {
                    blocks.AddTable(rows[0], rows.Skip(1), heading, source);
                }

                break;
            case P.Shape text when text.TextBody is { } body:
                // A content placeholder holds the slide's points: a list, indented by level. A text box is prose.
                if (Placeholder(text) is { } type && (type == P.PlaceholderValues.Body || type == P.PlaceholderValues.Object))
                {
                    var items = body.Elements<A.Paragraph>()
                        .Select(p => (Text: Text.Normalize(ParagraphText(p)), Level: p.ParagraphProperties?.Level?.Value ?? 0))
                        .Where(p => p.Text.Length > 0)
                        .Select(p => Text.ListItem(p.Text, p.Level));
                    blocks.AddList(items, heading, source);
                }
                else
                {
                    foreach (var paragraph in Paragraphs(body))
                    {
                        blocks.AddParagraph(paragraph, heading, source);
                    }
                }

                break;
        }
    }

    /// <summary>The shapes of a tree in reading (z) order, groups opened in place, without recursion.</summary>
    private static IEnumerable<OpenXmlElement> Shapes(P.ShapeTree? tree)
    {
        if (tree is null)
        {
            yield break;
        }

        var pending = new Stack<OpenXmlElement>(tree.ChildElements.Reverse());
        while (pending.Count > 0)
        {
            var element = pending.Pop();
            if (element is P.GroupShape group)
            {
                foreach (var child in group.ChildElements.Reverse())
                {
                    pending.Push(child);
                }
            }
            else if (element is P.Shape or P.GraphicFrame)
            {
                yield return element;
            }
        }
    }

    /// <summary>
    /// The placeholder a shape fills: its type, Object for a content placeholder given by index only, null for a
    /// shape that is no placeholder (a text box).
    /// </summary>
    private static P.PlaceholderValues? Placeholder(OpenXmlElement shape)
    {
        var placeholder = shape.GetFirstChild<P.NonVisualShapeProperties>()?.ApplicationNonVisualDrawingProperties?.PlaceholderShape;
        return placeholder is null ? null : placeholder.Type?.Value ?? P.PlaceholderValues.Object;
    }

    private static bool IsTitle(OpenXmlElement shape) =>
        Placeholder(shape) is { } type && (type == P.PlaceholderValues.Title || type == P.PlaceholderValues.CenteredTitle);

    /// <summary>Slide numbers, dates, footers and headers repeat on every slide and say nothing about it.</summary>
    private static bool IsChrome(OpenXmlElement shape) =>
        Placeholder(shape) is { } type && (type == P.PlaceholderValues.SlideNumber || type == P.PlaceholderValues.DateAndTime
            || type == P.PlaceholderValues.Footer || type == P.PlaceholderValues.Header || type == P.PlaceholderValues.SlideImage);

    private static string ShapeText(OpenXmlElement shape) =>
        shape is P.Shape { TextBody: { } body } ? string.Join(' ', Paragraphs(body)) : string.Empty;

    private static IEnumerable<string> Paragraphs(OpenXmlCompositeElement? body) =>
        body is null ? [] : body.Elements<A.Paragraph>().Select(p => Text.Normalize(ParagraphText(p))).Where(t => t.Length > 0);

    /// <summary>Runs and fields in order; a line break inside a paragraph separates words.</summary>
    private static string ParagraphText(A.Paragraph paragraph) =>
        string.Concat(paragraph.ChildElements.Select(child => child switch
        {
            A.Run run => run.Text?.Text ?? string.Empty,
            A.Field field => field.Text?.Text ?? string.Empty,
            A.Break => " ",
            _ => string.Empty,
        }));
}
