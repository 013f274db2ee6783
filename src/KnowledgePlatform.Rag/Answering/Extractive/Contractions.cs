using System.Text.RegularExpressions;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// A question's contractions written out, so that "Why won't my Aura connect?" is read as "will not" and not as the
/// words "won" and "t", which no passage holds and which would weigh as the rarest words of the question: "won't" is
/// "will not", "can't" "can not", any other "n't" "not", and "'s", "'re", "'ve", "'ll", "'d" are dropped (what they stand
/// for is a small word the answerer does not count). "I'm" stays: its "m" is how an age is read ("I'm 68"), and a letter
/// alone counts for nothing.
/// </summary>
internal static partial class Contractions
{
    public static string Expand(string question) =>
        Rest().Replace(Not().Replace(question, m => m.Groups["stem"].Value.ToLowerInvariant() switch
        {
            "wo" => "will not",
            "ca" => "can not",
            "sha" => "shall not",
            _ => m.Groups["stem"].Value + " not",
        }), "");

    [GeneratedRegex(@"\b(?<stem>\p{L}+)n['’]t\b", RegexOptions.IgnoreCase)]
    private static partial Regex Not();

    [GeneratedRegex(@"(?<=\p{L})['’](?:s|re|ve|ll|d)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Rest();
}
