using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// Words of a patient group (children, pregnancy, the elderly), as Porter stems, and whether a text names a group or
/// excludes it: "women who are not pregnant" and "non-pregnant women" exclude pregnancy, "pregnant women" names it. The
/// words of one group name it alike: "a pregnant woman" is answered by "in pregnancy", "children" by "a child".
/// </summary>
internal static class PatientGroups
{
    /// <summary>Each group's word stems, to the group (its first word's stem).</summary>
    private static readonly Dictionary<string, string> Groups = new[]
    {
        new[] { "child", "children", "kid", "toddler" },
        ["infant", "baby", "babies", "newborn", "neonate"],
        ["adolescent", "teenager"],
        ["pregnancy", "pregnant"],
        ["breastfeeding"],
        ["elderly"],
    }.SelectMany(words => words.Select(w => (Stem: PorterStemmer.Stem(w), Group: PorterStemmer.Stem(words[0]))))
        .DistinctBy(p => p.Stem).ToDictionary(p => p.Stem, p => p.Group, StringComparer.Ordinal);

    /// <summary>Words that exclude the group named one or two words after them ("not pregnant", "not currently pregnant").</summary>
    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal) { "not", "non", "no", "never", "without" };

    public static bool IsGroup(string stem) => Groups.ContainsKey(stem);

    /// <summary>The group a word stem names ("pregnant" and "pregnancy" name one), or null.</summary>
    public static string? GroupOf(string stem) => Groups.GetValueOrDefault(stem);

    /// <summary>The groups a text names (<c>Named</c>) and those it excludes (<c>Excluded</c>), as groups (<see cref="GroupOf"/>); a text can do both.</summary>
    public static (HashSet<string> Named, HashSet<string> Excluded) Of(string text)
    {
        // Every word, lower-cased, stop words kept ("not" is one); a hyphen splits "non-pregnant" in two.
        var words = QuotedSpan.Words(text).Select(w => w.Text).ToList();
        var (named, excluded) = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        for (var i = 0; i < words.Count; i++)
        {
            if (GroupOf(PorterStemmer.Stem(words[i])) is not { } group) continue;
            var negated = (i > 0 && Negations.Contains(words[i - 1])) || (i > 1 && Negations.Contains(words[i - 2]));
            (negated ? excluded : named).Add(group);
        }
        return (named, excluded);
    }
}
