using System.Text.RegularExpressions;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// The verbs a question asks with in the passive voice: a participle after "is", "are", "was" or "were" that ends its
/// clause or comes before a preposition ("How is the amoxicillin challenge test performed in…", "how long is the battery
/// covered?"). It says how something is done to what the question is about, not what that is, so it is never a focus word;
/// "the recommended dose" (a participle before its noun) is not such a verb.
/// </summary>
internal static partial class PassiveVerbs
{
    public static IEnumerable<string> Of(string question) =>
        Passive().Matches(question.ToLowerInvariant()).Select(m => m.Groups["verb"].Value).Distinct();

    [GeneratedRegex(@"\b(?:is|are|was|were)\b[^?.,;:!]*?\b(?<verb>[a-z]{3,}ed)\b(?=\s*(?:[?.,;:!]|$|(?:in|for|on|at|with|by|to|from|after|before|when|if|during|without|within|into|as)\b))")]
    private static partial Regex Passive();
}
