using System.Text.RegularExpressions;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// A word written with hyphens is also the word written solid: a passage about "Wi-Fi" holds the asker's "wifi", one
/// about "e-mail" their "email". The words are split at the hyphen everywhere else, so without this the asker's word is
/// held by no passage and weighs as the rarest of the question.
/// </summary>
internal static partial class HyphenatedWords
{
    /// <summary>The solid forms (lower-cased) of the hyphenated words of <paramref name="text"/>.</summary>
    public static IEnumerable<string> Solid(string text) =>
        Hyphenated().Matches(text).Select(m => m.Value.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());

    [GeneratedRegex(@"\b\p{L}+(?:-\p{L}+)+\b")]
    private static partial Regex Hyphenated();
}
