using System.Text.Json;
using Hl7.Fhir.Model;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>
/// Gathers the patient's facts for a hook call: the drafted orders from the context; the eGFR, active medications and
/// conditions from the prefetch when the EHR sent them, otherwise from its FHIR server when the request carries
/// <c>fhirServer</c> and <c>fhirAuthorization</c>; without either, from the context alone.
/// </summary>
public sealed class PatientFactsReader(FhirServerReader fhir)
{
    public async Task<(PatientFacts Facts, IReadOnlyList<string> Notes)> ReadAsync(string hook, CdsRequest request, CancellationToken ct)
    {
        var notes = new List<string>();
        var templates = CdsHookCatalog.Prefetch(hook);
        var data = new Dictionary<string, IReadOnlyList<Resource>>();
        foreach (var (key, template) in templates)
        {
            if (key == CdsHookCatalog.PatientKey) continue; // demographics are not asked about (yet)
            if (request.Prefetch?.TryGetValue(key, out var prefetched) == true && prefetched.ValueKind == JsonValueKind.Object)
            {
                data[key] = FhirResources.Read(prefetched);
                continue;
            }
            if (request.FhirServer is not { Length: > 0 } server || request.FhirAuthorization?.AccessToken is not { Length: > 0 }) continue;
            if (PrefetchTemplate.Expand(template, request.Context) is not { } url)
            {
                notes.Add($"{key}: the context does not fill the template {template}");
                continue;
            }
            var (read, failure) = await fhir.ReadAsync(server, request.FhirAuthorization, url, ct);
            if (read is { } json) data[key] = FhirResources.Read(json);
            else notes.Add(failure!);
        }

        var drafts = request.Context.ValueKind == JsonValueKind.Object && request.Context.TryGetProperty("draftOrders", out var bundle) ? FhirResources.Read(bundle) : [];
        IReadOnlyCollection<string>? selections = hook == CdsHookCatalog.OrderSelect && request.Context.TryGetProperty("selections", out var selected) && selected.ValueKind == JsonValueKind.Array
            ? selected.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!).ToHashSet(StringComparer.Ordinal)
            : null;
        var facts = new PatientFacts(
            hook == CdsHookCatalog.PatientView ? [] : PatientFacts.DraftMedications(drafts, selections),
            PatientFacts.LatestEgfr(data.GetValueOrDefault(CdsHookCatalog.EgfrKey) ?? []),
            PatientFacts.ActiveMedicationNames(data.GetValueOrDefault(CdsHookCatalog.MedicationsKey) ?? []),
            PatientFacts.ActiveConditionNames(data.GetValueOrDefault(CdsHookCatalog.ConditionsKey) ?? []));
        return (facts, notes);
    }
}
