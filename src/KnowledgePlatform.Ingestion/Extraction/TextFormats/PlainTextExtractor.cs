namespace KnowledgePlatform.Ingestion.Extraction.TextFormats;

/// <summary>
/// Plain text: paragraphs are separated by blank lines and located by their first line (1-based).
/// A paragraph that is one line underlined with "===" is a level-1 heading (the first one is the
/// title), one underlined with "---" a level-2 heading, and a short line in capitals a level-3
/// heading. Lines starting with a list marker ("- ", "* ", "• ", "1. ") keep their line break.
/// UTF-8 with or without BOM, UTF-16 LE/BE with BOM; other bytes are read as Latin-1 (Windows-1252).
/// </summary>
public sealed class PlainTextExtractor : IDocumentExtractor
{
    public FileFormat Format => FileFormat.PlainText;

    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var text = await Text.ReadTextAsync(content, cancellationToken);
        var blocks = new BlockList();
        var headings = new HeadingStack();
        string? title = null;
        var paragraph = new List<string>();
        var start = 0;

        void Flush()
        {
            if (paragraph.Count == 0)
            {
                return;
            }

            if (HeadingLevel(paragraph) is { } level)
            {
                headings.PushLevel(level, paragraph[0]);
                title ??= level == 1 ? Text.Normalize(paragraph[0]) : null;
            }
            else
            {
                var lines = new List<string> { paragraph[0].Trim() };
                foreach (var line in paragraph.Skip(1))
                {
                    if (IsListItem(line)) lines.Add(line.Trim());
                    else lines[^1] += " " + line.Trim();
                }

                blocks.AddLines(string.Join('\n', lines), headings.Path, new SourceSpan(Line: start));
            }

            paragraph.Clear();
        }

        foreach (var (number, line) in Text.Lines(text))
        {
            if (number % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                Flush();
                continue;
            }

            if (paragraph.Count == 0)
            {
                start = number;
            }

            paragraph.Add(line);
        }

        Flush();
        return blocks.Count == 0 ? throw Text.EmptyFile() : new ExtractedDocument(title, blocks.Blocks);
    }

    /// <summary>1 for "Title" over "=====", 2 for "Section" over "-----", 3 for a short line in capitals; null otherwise.</summary>
    private static int? HeadingLevel(List<string> paragraph)
    {
        var first = paragraph[0].Trim();
        if (paragraph.Count == 2 && first.Length <= 120 && paragraph[1].Trim() is { Length: >= 3 } rule)
        {
            if (rule.All(c => c == '=')) return 1;
            if (rule.All(c => c == '-')) return 2;
        }

        return paragraph.Count == 1 && first.Length <= 80 && first.Count(char.IsLetter) >= 2
            && !first.Any(char.IsLower) && !first.EndsWith('.') && !first.EndsWith(',')
            ? 3
            : null;
    }

    private static bool IsListItem(string line) =>
        line.TrimStart() is ['-' or '*' or '•', ' ', ..] or [>= '0' and <= '9', '.' or ')', ' ', ..] or [>= '0' and <= '9', >= '0' and <= '9', '.' or ')', ' ', ..];
}
