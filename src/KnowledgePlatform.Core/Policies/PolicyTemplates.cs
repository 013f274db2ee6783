namespace KnowledgePlatform.Core.Policies;

/// <summary>The templates the platform ships.</summary>
public static class PolicyTemplates
{
    public static readonly SecurityPolicy MedicalStrict = new()
    {
        Name = "medical-strict",
        Redact = [RedactionRules.Email, RedactionRules.Phone, RedactionRules.NationalId, RedactionRules.MedicalRecordNumber, RedactionRules.PatientName],
        BlockedTopics = ["euthanasia method", "lethal dose", "how to overdose"],
        BlockedTopicAnswer = "This assistant cannot help with that. If you or someone else is in danger, contact emergency services now.",
        CitationRequired = true,
        Disclaimer = "This information supports, and does not replace, clinical judgement. Check the cited source before acting.",
        MaxAnswerChars = 2500,
        RetentionDays = 90,
        NeutraliseEmbeddedInstructions = true,
    };

    public static readonly SecurityPolicy CustomerServiceStandard = new()
    {
        Name = "customer-service-standard",
        Redact = [RedactionRules.Email, RedactionRules.Phone, RedactionRules.PaymentCard],
        BlockedTopics = [],
        CitationRequired = false,
        Disclaimer = null,
        MaxAnswerChars = 1500,
        RetentionDays = 30,
        NeutraliseEmbeddedInstructions = true,
    };

    /// <summary>For tenants with no template attached: nothing redacted or blocked, everything else on safe defaults.</summary>
    public static readonly SecurityPolicy Default = new() { Name = "default" };

    public static IReadOnlyList<SecurityPolicy> All { get; } = [MedicalStrict, CustomerServiceStandard, Default];

    public static SecurityPolicy? Find(string? name) => All.FirstOrDefault(p => p.Name == name);
}
