using System.Text;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>Turns a user's question into a safe FTS5 MATCH expression: its words, quoted, OR-ed (BM25 ranks them).</summary>
internal static class FullTextQuery
{
    public static string Build(string query)
    {
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in query.Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
                continue;
            }
            if (word.Length > 0) terms.Add(word.ToString().ToLowerInvariant());
            word.Clear();
        }
        // Quoting makes every term a literal: no FTS5 syntax (NEAR, column filters, ^) can be injected.
        return string.Join(" OR ", terms.Distinct().Take(64).Select(t => $"\"{t}\""));
    }
}
