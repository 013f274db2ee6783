using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// The words of a question that name what it is about and that the evidence never holds: a name (a capitalised word other
/// than the first) or a word of <see cref="SpecificLength"/> letters or more ("tramadol", "oseltamivir"), held by no
/// passage in any form of the word, nor spelt a letter off (two for a word of ten letters or more: "replacment"), nor
/// shortened ("max" for "maximum"). A table
/// row about another thing does not answer such a question (decision 5).
/// </summary>
internal static class AbsentWords
{
    /// <summary>A word this long is specific enough that evidence about it would hold it.</summary>
    public const int SpecificLength = 7;

    /// <param name="stems">The Porter stems of every word the evidence holds.</param>
    /// <param name="words">Every word the evidence holds, as <see cref="Terms"/> writes it.</param>
    public static IReadOnlyList<string> Of(string question, IReadOnlySet<string> stems, Func<IReadOnlyCollection<string>> words)
    {
        var named = NamedTerms.Of(question);
        var candidates = Terms.Of(question).Distinct()
            .Where(w => w.All(char.IsLetter) && (w.Length >= SpecificLength || named.Contains(w)) && !stems.Contains(PorterStemmer.Stem(w)))
            .ToList();
        if (candidates.Count == 0) return candidates;
        var held = words();
        return candidates.Where(w => !held.Any(h => Same(w, h))).ToList();
    }

    /// <summary>A word the evidence holds written another way: spelt a letter or two off, or shortened ("max" for "maximum").</summary>
    public static bool Same(string word, string held) =>
        EditDistance.Within(word, held, word.Length >= 10 ? 2 : 1) || (held.Length >= 3 && word.StartsWith(held, StringComparison.Ordinal));
}
