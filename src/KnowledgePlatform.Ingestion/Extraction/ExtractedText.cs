using System.Text;

namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>
/// An extracted document as plain text for reading (the portal's source view of formats other than PDF): each heading
/// once where its section starts, paragraphs, tables one row a line with cells separated by " | ", questions and answers.
/// </summary>
public static class ExtractedText
{
    public static string Render(ExtractedDocument document)
    {
        var text = new StringBuilder();
        IReadOnlyList<string> headings = [];
        foreach (var block in document.Blocks)
        {
            if (!block.HeadingPath.SequenceEqual(headings))
            {
                // Only the headings that changed: a new subsection does not repeat its chapter.
                var same = headings.Zip(block.HeadingPath).TakeWhile(p => p.First == p.Second).Count();
                foreach (var heading in block.HeadingPath.Skip(same)) text.Append(heading).Append("\n\n");
                headings = block.HeadingPath;
            }
            switch (block)
            {
                case ParagraphBlock p:
                    text.Append(p.Text);
                    break;
                case TableBlock t:
                    if (t.Caption is { Length: > 0 } caption) text.Append(caption).Append('\n');
                    text.AppendJoin('\n', new[] { t.Header }.Concat(t.Rows).Select(row => string.Join(" | ", row)));
                    break;
                case QuestionAnswerBlock qa:
                    text.Append(qa.Question).Append('\n').Append(qa.Answer);
                    break;
            }
            text.Append("\n\n");
        }
        return text.ToString().TrimEnd();
    }
}
