using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>
/// Reads the FHIR R4 resources of a CDS Hooks request with Firely's deserializer, leniently: an EHR's extra or
/// malformed elements are skipped, not fatal. A Bundle gives its entries' resources; anything else itself.
/// </summary>
public static class FhirResources
{
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));

    public static IReadOnlyList<Resource> Read(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return [];
        Deserializer.TryDeserializeResource(json.GetRawText(), out var resource, out _);
        return resource switch
        {
            null => [],
            Bundle bundle => bundle.Entry.Select(e => e.Resource).OfType<Resource>().ToList(),
            _ => [resource],
        };
    }

    /// <summary>The words a clinician knows a concept by: its text, else its first coding's display.</summary>
    public static string? Name(CodeableConcept? concept) =>
        concept is null ? null
        : !string.IsNullOrWhiteSpace(concept.Text) ? concept.Text.Trim()
        : concept.Coding.Select(c => c.Display).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d))?.Trim();

    public static string? MedicationName(MedicationRequest request) =>
        request.Medication switch
        {
            CodeableConcept concept => Name(concept),
            ResourceReference reference => reference.Display,
            _ => null,
        };
}
