using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>What a service needs to know about the patient, from the context, the prefetch or the EHR's FHIR server.</summary>
public sealed partial record PatientFacts(
    IReadOnlyList<DraftMedication> Orders,
    double? Egfr,
    IReadOnlyList<string> ActiveMedications,
    IReadOnlyList<string> ActiveConditions)
{
    /// <summary>The most recent eGFR among Observations with a value in mL/min/1.73m2 (or unitless).</summary>
    public static double? LatestEgfr(IEnumerable<Resource> resources) =>
        resources.OfType<Observation>()
            .Where(o => o.Status is not ObservationStatus.EnteredInError and not ObservationStatus.Cancelled)
            .Select(o => (o, q: o.Value as Quantity))
            .Where(x => x.q?.Value is not null)
            .OrderByDescending(x => (x.o.Effective as FhirDateTime)?.ToDateTimeOffset(TimeSpan.Zero) ?? DateTimeOffset.MinValue)
            .Select(x => (double?)(double)x.q!.Value!.Value)
            .FirstOrDefault();

    public static IReadOnlyList<string> ActiveMedicationNames(IEnumerable<Resource> resources) =>
        resources.OfType<MedicationRequest>()
            .Where(m => m.Status is null or MedicationRequest.MedicationrequestStatus.Active)
            .Select(FhirResources.MedicationName).OfType<string>().Select(DrugOf).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public static IReadOnlyList<string> ActiveConditionNames(IEnumerable<Resource> resources) =>
        resources.OfType<Condition>()
            .Where(c => c.ClinicalStatus is null || c.ClinicalStatus.Coding.Any(x => x.Code is "active" or "recurrence" or "relapse"))
            .Where(c => c.VerificationStatus is null || !c.VerificationStatus.Coding.Any(x => x.Code is "refuted" or "entered-in-error"))
            .Select(c => FhirResources.Name(c.Code)).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>
    /// The medication orders a service decides on: for order-select those the user just selected, for order-sign every
    /// drafted MedicationRequest.
    /// </summary>
    public static IReadOnlyList<DraftMedication> DraftMedications(IEnumerable<Resource> draftOrders, IReadOnlyCollection<string>? selections) =>
        draftOrders.OfType<MedicationRequest>()
            .Where(m => selections is null || selections.Contains($"MedicationRequest/{m.Id}"))
            .Select(m => (m, name: FhirResources.MedicationName(m)))
            .Where(x => x.name is not null)
            .Select(x => new DraftMedication($"MedicationRequest/{x.m.Id}", x.name!, DrugOf(x.name!)))
            .ToList();

    /// <summary>
    /// The drug an order names, without strength, unit and form: "Ibuprofen 400 MG Oral Tablet" is Ibuprofen,
    /// "Amoxicillin 120 MG/ML / clavulanate potassium 8.58 MG/ML Oral Suspension" is Amoxicillin / clavulanate potassium.
    /// </summary>
    public static string DrugOf(string ordered)
    {
        var parts = ordered.Split(" / ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => Strength().Split(p)[0].Trim()).Where(p => p.Length > 0).ToList();
        return parts.Count == 0 ? ordered.Trim() : string.Join(" / ", parts);
    }

    [GeneratedRegex(@"\s\d", RegexOptions.CultureInvariant)]
    private static partial Regex Strength();
}
