using System.Text;

namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>
/// Plain text: paragraphs are separated by blank lines and located by their first line (1-based).
/// UTF-8 with or without BOM, UTF-16 LE/BE with BOM; other bytes are read as Latin-1 (Windows-1252).
/// </summary>
public sealed class PlainTextExtractor : IDocumentExtractor
{
    public FileFormat Format => FileFormat.PlainText;

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var text = await Text.ReadTextAsync(content, cancellationToken);
        var blocks = new BlockList();
        var paragraph = new StringBuilder();
        var start = 0;
        foreach (var (number, line) in Text.Lines(text))
        {
            if (number % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                blocks.AddParagraph(paragraph.ToString(), [], new SourceSpan(Line: start));
                paragraph.Clear();
                continue;
            }

            if (paragraph.Length == 0)
            {
                start = number;
            }

            paragraph.Append(line).Append(' ');
        }

        blocks.AddParagraph(paragraph.ToString(), [], new SourceSpan(Line: start));
        return blocks.Count == 0 ? throw Text.EmptyFile() : new ExtractedDocument(null, blocks.Blocks);
    }
}
