namespace KnowledgePlatform.Ingestion.Extraction;

/// <summary>The headings above the current position; a heading pops every heading of the same or lower rank.</summary>
internal sealed class HeadingStack
{
    private readonly List<(double Rank, string Text)> entries = [];
    private string[]? snapshot = [];

    /// <summary>The current heading path (an immutable snapshot, safe to keep in a block).</summary>
    public IReadOnlyList<string> Path => snapshot ??= entries.ConvertAll(e => e.Text).ToArray();

    /// <summary>Pushes a heading of level 1 (most important) to 9.</summary>
    public void PushLevel(int level, string text) => Push(-level, text);

    /// <summary>Pushes a heading with a rank: higher ranks are more important (e.g. a font size).</summary>
    public void Push(double rank, string text)
    {
        text = Text.Normalize(text);
        if (text.Length == 0)
        {
            return;
        }

        while (entries.Count > 0 && entries[^1].Rank <= rank)
        {
            entries.RemoveAt(entries.Count - 1);
        }

        entries.Add((rank, text));
        snapshot = null;
    }
}
