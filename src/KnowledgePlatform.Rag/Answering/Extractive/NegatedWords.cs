using System.Text.RegularExpressions;
using KnowledgePlatform.Core.Text;

namespace KnowledgePlatform.Rag.Answering.Extractive;

/// <summary>
/// The words a sentence writes only under a negation ("a woman whose only point is female sex does not need
/// anticoagulation"): for a question that asks which or what, not whether ("Which CHA2DS2-VASc score needs an
/// anticoagulant?"), such a sentence says where the answer is not, and its negated words are not held as the question's.
/// A question that asks whether ("Is the filter covered?"), or that itself negates ("What is not covered?"), is answered
/// by a negation as well as by an affirmation, so the words count for it as written.
/// </summary>
internal static partial class NegatedWords
{
    /// <summary>
    /// Words written after a negation, up to the end of its clause, and nowhere else in the sentence: "does not need
    /// anticoagulation" gives need and anticoagulation; "offer X, do not offer Y" does not give offer.
    /// </summary>
    public static IEnumerable<string> Of(string sentence)
    {
        var lower = sentence.ToLowerInvariant();
        var affirmed = Terms.Stems(Negated().Replace(lower, " ")).ToHashSet();
        return Negated().Matches(lower).SelectMany(m => Terms.Stems(m.Groups["rest"].Value)).Where(w => !affirmed.Contains(w)).Distinct();
    }

    /// <summary>
    /// Whether the question asks which or what and negates nothing itself. A question that asks whether, at its start or
    /// after a dash or a comma ("CKD patient with a potassium of 5.3 - can I start an ACE inhibitor?"), does not.
    /// </summary>
    public static bool Apply(string question)
    {
        var q = question.Trim().ToLowerInvariant();
        return !Whether().IsMatch(q) && !Negated().IsMatch(q);
    }

    /// <summary>
    /// Whether the question asks what or which under a negation of its own ("What is not covered by the warranty?",
    /// "Which items can't be returned?"): it is answered by a sentence that negates, so a sentence with no negation does
    /// not hold the question's negated words as its own ("The warranty covers defects…" does not answer it). Not a
    /// question whose negation is a condition ("What if it doesn't charge?") nor one that asks why.
    /// </summary>
    public static bool AsksWhatIsNot(string question) => WhatIsNot().IsMatch(question.Trim().ToLowerInvariant());

    /// <summary>Whether the sentence negates anything.</summary>
    public static bool Negates(string sentence) => Negated().IsMatch(sentence.ToLowerInvariant());

    [GeneratedRegex(@"^(?:what|which)\b(?:(?!\b(?:if|when|whether|unless)\b)[^,;?])*?(?:\b(?:not|cannot|never)\b|n['’]t\b)")]
    private static partial Regex WhatIsNot();

    [GeneratedRegex(@"(?:\b(?:not|no|never|cannot|without)\b|n['’]t\b)(?<rest>[^.,;:!?()]{0,60})")]
    private static partial Regex Negated();

    [GeneratedRegex(@"(?:^|[-–—,.;:?!]\s*)(?:is|are|was|were|do|does|did|can|could|should|will|would|has|have|had|may|might|must|am)\b")]
    private static partial Regex Whether();
}
