namespace KnowledgePlatform.Server.CdsHooks;

/// <summary>The hooks the platform answers, and the FHIR data each asks the EHR to prefetch.</summary>
public static class CdsHookCatalog
{
    public const string PatientView = "patient-view";
    public const string OrderSelect = "order-select";
    public const string OrderSign = "order-sign";

    public static readonly IReadOnlyList<string> Hooks = [PatientView, OrderSelect, OrderSign];

    /// <summary>LOINC codes of an estimated GFR (CKD-EPI 2021, MDRD, CKD-EPI by race, cystatin C).</summary>
    public const string EgfrCodes = "http://loinc.org|98979-8,http://loinc.org|62238-1,http://loinc.org|33914-3,http://loinc.org|48642-3,http://loinc.org|48643-1,http://loinc.org|50210-4";

    public const string PatientKey = "patient";
    public const string EgfrKey = "egfr";
    public const string MedicationsKey = "medications";
    public const string ConditionsKey = "conditions";

    /// <summary>The prefetch templates a service on this hook lists in discovery; only the query restrictions the specification recommends.</summary>
    public static IReadOnlyDictionary<string, string> Prefetch(string hook)
    {
        var prefetch = new Dictionary<string, string>
        {
            [PatientKey] = "Patient/{{context.patientId}}",
            [EgfrKey] = $"Observation?patient={{{{context.patientId}}}}&code={EgfrCodes}&_sort=-date&_count=1",
        };
        if (hook == PatientView) prefetch[ConditionsKey] = "Condition?patient={{context.patientId}}&clinical-status=active";
        else prefetch[MedicationsKey] = "MedicationRequest?patient={{context.patientId}}&status=active";
        return prefetch;
    }

    public static string DefaultTitle(string hook) => hook switch
    {
        PatientView => "Guidance for the patient's conditions",
        _ => "Medication safety from the knowledge base",
    };

    public static string DefaultDescription(string hook, string knowledgeBase) => hook switch
    {
        PatientView => $"Cards with the guidance '{knowledgeBase}' holds for the patient's active conditions, each citing its source.",
        OrderSign => $"Before signing: dose, renal adjustment and interactions of each drafted medication, as '{knowledgeBase}' states them, with citations.",
        _ => $"For each selected medication: dose, renal adjustment and interactions as '{knowledgeBase}' states them, with citations.",
    };
}
