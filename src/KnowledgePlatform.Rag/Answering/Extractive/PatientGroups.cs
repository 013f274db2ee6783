using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// Words of a patient group (children, pregnancy, the elderly), as Porter stems, and whether a text names a group or
/// excludes it: "women who are not pregnant" and "non-pregnant women" exclude pregnancy, "pregnant women" names it.
/// </summary>
internal static class PatientGroups
{
    private static readonly HashSet<string> Stems = new[]
    {
        "child", "children", "kid", "infant", "baby", "babies", "newborn", "toddler", "adolescent", "teenager", "pregnant", "pregnancy",
        "breastfeeding", "elderly", "neonate",
    }.Select(PorterStemmer.Stem).ToHashSet();

    /// <summary>Words that exclude the group named one or two words after them ("not pregnant", "not currently pregnant").</summary>
    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal) { "not", "non", "no", "never", "without" };

    public static bool IsGroup(string stem) => Stems.Contains(stem);

    /// <summary>The groups a text names (<c>Named</c>) and those it excludes (<c>Excluded</c>), as stems; a text can do both.</summary>
    public static (HashSet<string> Named, HashSet<string> Excluded) Of(string text)
    {
        // Every word, lower-cased, stop words kept ("not" is one); a hyphen splits "non-pregnant" in two.
        var words = QuotedSpan.Words(text).Select(w => w.Text).ToList();
        var (named, excluded) = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        for (var i = 0; i < words.Count; i++)
        {
            var stem = PorterStemmer.Stem(words[i]);
            if (!Stems.Contains(stem)) continue;
            var negated = (i > 0 && Negations.Contains(words[i - 1])) || (i > 1 && Negations.Contains(words[i - 2]));
            (negated ? excluded : named).Add(stem);
        }
        return (named, excluded);
    }
}
