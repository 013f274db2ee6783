using System.Text.RegularExpressions;
using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// A question may name a kind of thing in capitals ("in-home TV setup") where the evidence names the thing itself ("Vision
/// 55 in-home delivery and setup"). The evidence says which things are of that kind where it writes the kind right after
/// a name ("Vision 55 TVs", "Northwind Vision 55 TV"): a passage that holds such a name holds the kind. A word is a kind
/// only when the evidence writes it so in the plural at least once: "Northwind Aura" does not make the Aura a kind of
/// everything Northwind.
/// </summary>
internal static partial class NamedKinds
{
    /// <summary>
    /// For each word of <paramref name="named"/> (the question's names, lower-cased) that the evidence writes after a name, the
    /// stems of those names, each a set: "TV" → {vision, 55}, {northwind, vision, 55}.
    /// </summary>
    public static IReadOnlyDictionary<string, List<HashSet<string>>> Of(IEnumerable<string> named, IEnumerable<string> evidence)
    {
        var texts = evidence.ToList();
        var kinds = new Dictionary<string, List<HashSet<string>>>(StringComparer.Ordinal);
        foreach (var word in named.Distinct())
        {
            var after = new Regex(@"(?<name>\b(?:\p{Lu}[\p{L}\d-]*|\d+)(?:\s+(?:\p{Lu}[\p{L}\d-]*|\d+)){0,3})\s+(?i:" + Regex.Escape(word) + @")(?<plural>s|es)?\b");
            var matches = texts.SelectMany(t => after.Matches(t)).ToList();
            // A kind is written in the plural after a name ("Vision 55 TVs"); a name is not ("Northwind Aura" names the Aura).
            if (!matches.Any(m => m.Groups["plural"].Success)) continue;
            kinds[PorterStemmer.Stem(word)] = matches.Select(m => Terms.Stems(m.Groups["name"].Value).ToHashSet())
                .Where(n => n.Count > 0).DistinctBy(n => string.Join(' ', n.Order())).ToList();
        }
        return kinds;
    }

    /// <summary>The kinds (stems) that <paramref name="words"/> hold by holding a name of that kind.</summary>
    public static IEnumerable<string> HeldBy(IReadOnlySet<string> words, IReadOnlyDictionary<string, List<HashSet<string>>> kinds) =>
        kinds.Where(k => k.Value.Any(words.IsSupersetOf)).Select(k => k.Key);
}
