namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>Collects blocks, normalising their text and dropping empty ones.</summary>
internal sealed class BlockList
{
    private readonly List<Block> blocks = [];

    public IReadOnlyList<Block> Blocks => blocks;

    public int Count => blocks.Count;

    public void AddParagraph(string text, IReadOnlyList<string> headingPath, SourceSpan source)
    {
        text = Text.Normalize(text);
        if (text.Length > 0)
        {
            blocks.Add(new ParagraphBlock(text, headingPath, source));
        }
    }

    /// <summary>Adds text whose line breaks matter (lists, code): each line normalised, blank lines dropped.</summary>
    public void AddLines(string text, IReadOnlyList<string> headingPath, SourceSpan source)
    {
        text = Text.NormalizeLines(text);
        if (text.Length > 0)
        {
            blocks.Add(new ParagraphBlock(text, headingPath, source));
        }
    }

    public void AddList(IEnumerable<string> itemLines, IReadOnlyList<string> headingPath, SourceSpan source) =>
        AddLines(string.Join('\n', itemLines), headingPath, source);

    public void AddQuestion(string question, string answer, IReadOnlyList<string> headingPath, SourceSpan source)
    {
        question = Text.Normalize(question);
        answer = answer.Contains('\n') ? Text.NormalizeLines(answer) : Text.Normalize(answer);
        if (question.Length > 0 && answer.Length > 0)
        {
            blocks.Add(new QuestionAnswerBlock(question, answer, headingPath, source));
        }
        else if (question.Length + answer.Length > 0)
        {
            AddParagraph(question.Length > 0 ? question : answer, headingPath, source);
        }
    }

    /// <summary>Adds a table: cells normalised, empty rows dropped, short rows padded to the header's width.</summary>
    public void AddTable(
        IReadOnlyList<string> header,
        IEnumerable<IReadOnlyList<string>> rows,
        IReadOnlyList<string> headingPath,
        SourceSpan source,
        string? caption = null)
    {
        var normalizedHeader = header.Select(Text.Normalize).ToArray();
        var normalizedRows = new List<IReadOnlyList<string>>();
        foreach (var row in rows)
        {
            var cells = row.Select(Text.Normalize).ToList();
            if (cells.All(c => c.Length == 0))
            {
                continue;
            }

            while (cells.Count < normalizedHeader.Length)
            {
                cells.Add(string.Empty);
            }

            normalizedRows.Add(cells);
        }

        if (normalizedRows.Count == 0 && normalizedHeader.All(c => c.Length == 0))
        {
            return;
        }

        caption = Text.Normalize(caption);
        blocks.Add(new TableBlock(normalizedHeader, normalizedRows, headingPath, source, caption.Length > 0 ? caption : null));
    }
}
