namespace KnowledgePlatform.Core.Text;

/// <summary>
/// The parts of a question that asks two things ("How much does it cost and what is the cut-off time?", "How long is
/// it, and what about holidays?", "the battery capacity and the run time"): split at "and" and at a second question mark.
/// A part with fewer than two content words stays with the part before it ("dizzy and sweaty", "Rh and Rc").
/// </summary>
public static class QuestionParts
{
    public static IReadOnlyList<string> Of(string question)
    {
        var words = question.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var parts = new List<List<string>> { new() };
        for (var i = 0; i < words.Length; i++)
        {
            // "and" starts another part; one of fewer than two content words is merged back below.
            var startsAnother = words[i].Equals("and", StringComparison.OrdinalIgnoreCase);
            if (startsAnother && parts[^1].Count > 0) { parts.Add([]); continue; }
            parts[^1].Add(words[i]);
            if (words[i].EndsWith('?') && i + 1 < words.Length) parts.Add([]);
        }
        var merged = new List<string>();
        foreach (var part in parts.Where(p => p.Count > 0).Select(p => string.Join(' ', p).Trim(',', ' ')))
        {
            if (merged.Count > 0 && Terms.Of(part).Count() < 2) merged[^1] += " and " + part;
            else merged.Add(part);
        }
        return merged;
    }

    private static readonly HashSet<string> BackReferences = new(StringComparer.OrdinalIgnoreCase) { "it", "its", "they", "them", "their", "this", "these", "those" };

    /// <summary>
    /// The parts, each readable alone: a later part that refers back ("and can pregnant women have it?") carries the
    /// first part's content words, so that it is judged on what "it" is.
    /// </summary>
    public static IReadOnlyList<string> Standalone(string question)
    {
        var parts = Of(question);
        if (parts.Count < 2) return parts;
        var subject = string.Join(' ', Terms.Of(parts[0]));
        return parts.Select((p, i) => i > 0 && p.Split(' ', ',', '?', '.').Any(BackReferences.Contains) ? $"{p} ({subject})" : p).ToList();
    }
}
