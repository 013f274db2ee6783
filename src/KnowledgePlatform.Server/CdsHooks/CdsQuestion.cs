using System.Globalization;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>One thing a service asks the knowledge base for a hook call, what it is about, and how its card is titled.</summary>
/// <param name="Subject">What the card's summary starts with: "Ibuprofen (eGFR 25)".</param>
/// <param name="Names">The drugs or condition the question names; an interaction's clauses must name one.</param>
public sealed record CdsQuestion(string Question, CardConcern Concern, string Subject, IReadOnlyList<string> Names, string? Order = null)
{
    /// <summary>Most interactions asked per drafted medication: one per active medication, up to this many.</summary>
    public const int MaxInteractions = 5;

    /// <summary>
    /// The questions for the orders and the patient: per drafted medication its dose, its renal adjustment when an eGFR is
    /// known, and its interactions with the active medications; per active condition its guidance.
    /// </summary>
    public static IReadOnlyList<CdsQuestion> For(PatientFacts facts)
    {
        var questions = new List<CdsQuestion>();
        foreach (var order in facts.Orders)
        {
            var drug = order.Drug;
            questions.Add(new($"What is the dose of {drug}?", CardConcern.Dose, $"{drug} dose", [drug], order.Reference));
            if (facts.Egfr is { } egfr)
                questions.Add(new($"What is the renal adjustment of {drug}?", CardConcern.Renal,
                    string.Create(CultureInfo.InvariantCulture, $"{drug} at eGFR {egfr:0.#}"), [drug], order.Reference));
            foreach (var other in facts.ActiveMedications.Where(m => !m.Equals(drug, StringComparison.OrdinalIgnoreCase)).Take(MaxInteractions))
                questions.Add(new($"Does {drug} interact with {other}?", CardConcern.Interaction, $"{drug} with {other}", [drug, other], order.Reference));
        }
        foreach (var condition in facts.ActiveConditions)
            questions.Add(new($"What is the guidance for {condition}?", CardConcern.Condition, condition, [condition]));
        return questions;
    }
}
