namespace KnowledgePlatform.Core.Text;

/// <summary>What is embedded for a chunk: the document title and headings give it the context its text alone lacks.</summary>
public static class EmbeddingText
{
    /// <param name="headingPath">Headings joined by " › " (empty when the chunk has none).</param>
    public static string Of(string title, string headingPath, string text) =>
        headingPath.Length == 0 ? $"{title}\n{text}" : $"{title} › {headingPath}\n{text}";
}
