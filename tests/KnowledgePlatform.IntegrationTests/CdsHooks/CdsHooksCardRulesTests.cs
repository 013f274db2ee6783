using System.Text.Json;
using KnowledgePlatform.Server.CdsHooks;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.CdsHooks;

/// <summary>
/// The pure rules of CDS Hooks cards: indicator never above the cited evidence, summaries within 140 characters, prefetch
/// templates filled from the context as the specification says. (Here rather than in KnowledgePlatform.Tests, which does
/// not reference the server.)
/// </summary>
public sealed class CdsHooksCardRulesTests
{
    private const string IbuprofenRow = "| Ibuprofen | Mild to moderate pain | 200 to 400 mg three times daily | 1.2 g | Avoid if eGFR below 30; use the lowest dose and monitor renal function in milder impairment | Avoid in active peptic ulcer. Increases bleeding risk with anticoagulants and SSRIs. |";
    private const string AmoxicillinRow = "| Amoxicillin | Pneumonia | 500 mg three times daily | 3 g | CrCl 10 to 30 mL/min: 250 to 500 mg every 12 hours; CrCl below 10 mL/min: 250 to 500 mg every 24 hours | Contraindicated in penicillin allergy. |";

    [Theory]
    [InlineData(25, CardIndicator.Warning)] // below the row's threshold: avoid
    [InlineData(45, CardIndicator.Info)] // above it: the row does not apply to this patient
    public void A_renal_card_warns_only_when_the_patients_egfr_is_in_the_range_the_row_names(double egfr, CardIndicator expected) =>
        Assert.Equal(expected, CardIndicators.Choose(CardConcern.Renal, IbuprofenRow, egfr));

    [Fact]
    public void A_contraindication_elsewhere_in_the_row_does_not_raise_a_renal_card_to_critical() =>
        Assert.Equal(CardIndicator.Warning, CardIndicators.Choose(CardConcern.Renal, AmoxicillinRow, 20));

    [Fact]
    public void Critical_needs_a_contraindication_in_what_the_passage_says_about_this_patients_situation()
    {
        Assert.Equal(CardIndicator.Critical, CardIndicators.Choose(CardConcern.Renal, "Contraindicated if eGFR below 30.", 20));
        Assert.Equal(CardIndicator.Critical, CardIndicators.Choose(CardConcern.Interaction, "Clarithromycin: contraindicated with simvastatin.", null, ["Clarithromycin", "Simvastatin"]));
        Assert.Equal(CardIndicator.Info, CardIndicators.Choose(CardConcern.Interaction, "Clarithromycin is a macrolide.", null, ["Clarithromycin", "Simvastatin"]));
    }

    [Fact]
    public void A_dose_or_a_guideline_is_information_whatever_the_passage_warns_about_others()
    {
        Assert.Equal(CardIndicator.Info, CardIndicators.Choose(CardConcern.Dose, AmoxicillinRow, 20));
        Assert.Equal(CardIndicator.Info, CardIndicators.Choose(CardConcern.Condition, "Do not use NSAIDs in CKD G4.", 20));
        Assert.Equal(CardIndicator.Info, CardIndicators.Choose(CardConcern.Renal, "Renal adjustment: no adjustment needed.", 10));
    }

    [Fact]
    public void Thresholds_are_read_from_below_ranges_and_words_for_impairment() =>
        Assert.Equal([10, 30, 30], CardIndicators.Thresholds("crcl below 10; crcl 10 to 30 ml/min; reduce in severe impairment").Order());

    [Fact]
    public void A_summary_takes_the_column_the_concern_is_about_and_never_exceeds_140_characters()
    {
        const string answer = "drug: Ibuprofen; indication: pain; fever; adult dose: 200 to 400 mg three times daily; renal adjustment: Avoid if eGFR below 30; notes: Avoid in ulcer. [1]";
        Assert.Equal("Ibuprofen at eGFR 25: Avoid if eGFR below 30", CardSummary.Of("Ibuprofen at eGFR 25", answer, CardConcern.Renal));
        Assert.Equal("Ibuprofen dose: 200 to 400 mg three times daily", CardSummary.Of("Ibuprofen dose", answer, CardConcern.Dose));
        Assert.Equal("CKD G3b: eGFR 30–44 is moderately to severely decreased.", CardSummary.Of("CKD G3b", "eGFR 30–44 is moderately to severely decreased. [1] Check haemoglobin. [1]"));
        // A column that starts with a word written with a capital inside keeps it as written.
        Assert.Equal("Metformin at eGFR 25: eGFR 30 to 45: review and usually limit to 1 g daily",
            CardSummary.Of("Metformin at eGFR 25", "drug: Metformin; adult dose: 500 mg daily; renal adjustment: eGFR 30 to 45: review and usually limit to 1 g daily; notes: none. [1]", CardConcern.Renal));
        var longest = CardSummary.Of("Amoxicillin", string.Join(" ", Enumerable.Repeat("word", 80)));
        Assert.True(longest.Length <= CardSummary.MaxLength, $"{longest.Length} characters");
        Assert.EndsWith("…", longest);
    }

    [Fact]
    public void Prefetch_templates_are_filled_from_root_level_context_fields_and_the_user_tokens()
    {
        var context = JsonDocument.Parse("""{"userId":"PractitionerRole/pr 7","patientId":"1288992","encounterId":"89284","draftOrders":{"resourceType":"Bundle"}}""").RootElement;
        Assert.Equal("Observation?patient=1288992&code=4548-4", PrefetchTemplate.Expand("Observation?patient={{context.patientId}}&code=4548-4", context));
        Assert.Equal("PractitionerRole?_id=pr%207", PrefetchTemplate.Expand("PractitionerRole?_id={{userPractitionerRoleId}}", context));
        Assert.Null(PrefetchTemplate.Expand("Practitioner/{{userPractitionerId}}", context)); // the user is a PractitionerRole
        Assert.Null(PrefetchTemplate.Expand("Bundle/{{context.draftOrders}}", context)); // only primitives are tokens
        Assert.Null(PrefetchTemplate.Expand("Encounter/{{context.encounter.id}}", context)); // only root-level fields
        Assert.Null(PrefetchTemplate.Expand("Patient/{{context.patientId", context));
    }

    [Theory]
    [InlineData("Ibuprofen 400 MG Oral Tablet", "Ibuprofen")]
    [InlineData("Amoxicillin 120 MG/ML / clavulanate potassium 8.58 MG/ML Oral Suspension", "Amoxicillin / clavulanate potassium")]
    [InlineData("Warfarin", "Warfarin")]
    public void The_drug_of_an_order_is_its_name_without_strength_and_form(string ordered, string drug) =>
        Assert.Equal(drug, PatientFacts.DrugOf(ordered));
}
