namespace KnowledgePlatform.Core.Domain;

/// <summary>An organisation whose data is isolated from every other tenant's.</summary>
public sealed class Tenant
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    /// <summary>The attached policy template (see <see cref="Policies.PolicyTemplates"/>); null means the default policy.</summary>
    public string? PolicyTemplate { get; set; }
    /// <summary>The tenant's tightening of its template.</summary>
    public Policies.PolicyOverrides? PolicyOverrides { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>When a platform admin suspended the tenant; null while it is active. A suspended tenant's keys, tokens and users are refused.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }

    /// <summary>Why the tenant is suspended, shown to its refused callers.</summary>
    public string? SuspensionReason { get; set; }

    /// <summary>The policy in force: the template, tightened by the tenant's overrides.</summary>
    public Policies.SecurityPolicy EffectivePolicy() =>
        (Policies.PolicyTemplates.Find(PolicyTemplate) ?? Policies.PolicyTemplates.Default).Tighten(PolicyOverrides ?? new());
}
