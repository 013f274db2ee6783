using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;

namespace KnowledgePlatform.Server.Tenants;

/// <summary>
/// What a new tenant starts from (decision 0156): the security policy template attached to it and the vertical of
/// its first knowledge base, the same pairs the demo tenants use.
/// </summary>
public sealed record TenantTemplate(string Name, string Description, string? PolicyTemplate, Vertical Vertical)
{
    public static readonly TenantTemplate Medical = new("medical",
        "Clinical decision support: the medical-strict policy (patient identifiers, e-mails and phone numbers redacted, citations required, a clinical disclaimer, 90-day retention)",
        PolicyTemplates.MedicalStrict.Name, Vertical.Medical);

    public static readonly TenantTemplate CustomerService = new("customer-service",
        "Customer-service sites: the customer-service-standard policy (e-mails, phone numbers and payment cards redacted, answers up to 1,500 characters, 30-day retention)",
        PolicyTemplates.CustomerServiceStandard.Name, Vertical.CustomerService);

    public static readonly TenantTemplate General = new("general", "Any other use: the default policy (nothing redacted or blocked)", null, Vertical.General);

    public static IReadOnlyList<TenantTemplate> All { get; } = [Medical, CustomerService, General];

    public static TenantTemplate? Find(string? name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name ?? General.Name, StringComparison.OrdinalIgnoreCase));
}
