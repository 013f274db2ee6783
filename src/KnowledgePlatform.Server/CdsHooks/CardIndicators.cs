using System.Globalization;
using System.Text.RegularExpressions;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>
/// Chooses a card's indicator from the cited passages, never above what they say (decision 0110): <c>critical</c> only
/// when a passage about this patient's situation says the drug is contraindicated or must not be used; <c>warning</c>
/// when it tells the prescriber to avoid, reduce, adjust, stop or monitor, and (for renal adjustment) the patient's eGFR
/// is in the range the passage names; <c>info</c> otherwise, and always for a drug's usual dose or a condition's guideline.
/// Only the clauses of the passages that speak to the concern count: a table row's note on penicillin allergy does not
/// raise a card about renal dosing.
/// </summary>
public static partial class CardIndicators
{
    /// <param name="names">For an interaction, the two drugs: clauses naming either count.</param>
    public static CardIndicator Choose(CardConcern concern, string citedText, double? egfr, IReadOnlyList<string>? names = null)
    {
        if (concern is CardConcern.Dose or CardConcern.Condition) return CardIndicator.Info;
        var clauses = Clauses().Split(citedText.ToLowerInvariant()).Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        var relevant = concern == CardConcern.Renal
            ? clauses.Where(c => Renal().IsMatch(c)).ToList()
            : clauses.Where(c => (names ?? []).Any(n => c.Contains(n.ToLowerInvariant(), StringComparison.Ordinal)) || c.Contains("interact", StringComparison.Ordinal)).ToList();
        if (relevant.Count == 0) return CardIndicator.Info;
        var text = string.Join("; ", relevant);
        if (concern == CardConcern.Renal)
        {
            if (NoAdjustment().IsMatch(text)) return CardIndicator.Info;
            if (egfr is { } value && Thresholds(text) is { Count: > 0 } limits)
            {
                if (!limits.Any(l => value < l)) return CardIndicator.Info;
                // The patient is in a range the passage names: its dose differs from the usual one.
                return Contraindication().IsMatch(text) ? CardIndicator.Critical : CardIndicator.Warning;
            }
        }
        if (Contraindication().IsMatch(text)) return CardIndicator.Critical;
        return Caution().IsMatch(text) ? CardIndicator.Warning : CardIndicator.Info;
    }

    /// <summary>The upper limits a passage sets on eGFR or creatinine clearance: "eGFR below 30", "CrCl 10 to 30", "under 45".</summary>
    public static IReadOnlyList<double> Thresholds(string text)
    {
        var limits = new List<double>();
        foreach (Match m in Below().Matches(text)) limits.Add(double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture));
        foreach (Match m in Range().Matches(text)) limits.Add(double.Parse(m.Groups["hi"].Value, CultureInfo.InvariantCulture));
        // Words for stages of impairment, at the eGFR where each begins (KDIGO: severe below 30, moderate below 60).
        if (text.Contains("severe", StringComparison.Ordinal) && text.Contains("impairment", StringComparison.Ordinal)) limits.Add(30);
        if (text.Contains("moderate", StringComparison.Ordinal) && text.Contains("impairment", StringComparison.Ordinal)) limits.Add(60);
        return limits;
    }

    [GeneratedRegex(@"[|;\n]|(?<=\.)\s")]
    private static partial Regex Clauses();

    [GeneratedRegex(@"\b(egfr|crcl|creatinine clearance|renal|kidney|impairment)\b")]
    private static partial Regex Renal();

    [GeneratedRegex(@"\b(contraindicated|do not (use|give|prescribe)|must not be (used|given))\b")]
    private static partial Regex Contraindication();

    [GeneratedRegex(@"\b(avoid|reduce|reduced|halve|adjust|lower (the )?dose|stop|monitor|caution|interacts?|increases?\b.*\brisk|not recommended|leave at least)\b")]
    private static partial Regex Caution();

    [GeneratedRegex(@"\bno (dose )?adjustment (usually |is )?(needed|required|necessary)\b")]
    private static partial Regex NoAdjustment();

    [GeneratedRegex(@"\b(egfr|crcl|creatinine clearance)[^.;]{0,20}?\b(below|under|less than|<)\s*(?<n>\d+(\.\d+)?)")]
    private static partial Regex Below();

    [GeneratedRegex(@"\b(egfr|crcl|creatinine clearance)\s*(?<lo>\d+(\.\d+)?)\s*(to|-|–)\s*(?<hi>\d+(\.\d+)?)")]
    private static partial Regex Range();
}
