namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// Which chunks a query may see. The tenant is mandatory; the knowledge bases must be the tenant's.
/// Every other condition is optional (null: no condition) and narrows the result further.
/// </summary>
public sealed record ChunkFilter(string TenantId, IReadOnlyList<string> KnowledgeBaseIds)
{
    public IReadOnlyList<string>? DocumentIds { get; init; }

    /// <summary>Chunks of documents tagged with at least one of these tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Chunks of documents whose effective date is on or after this day (undated documents do not match).</summary>
    public DateOnly? EffectiveFrom { get; init; }

    /// <summary>Chunks of documents whose effective date is on or before this day (undated documents do not match).</summary>
    public DateOnly? EffectiveTo { get; init; }

    /// <summary>
    /// The caller's access groups (decision 0040): null sees every document (tenant admin); otherwise only
    /// chunks of ungrouped documents and of documents carrying one of these groups. Indexes apply it inside the query.
    /// </summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>Knowledge bases of another tenant published read-only to this one (decision 0042), searched together with <see cref="KnowledgeBaseIds"/>.</summary>
    public IReadOnlyList<KnowledgeBaseScope>? Shared { get; init; }

    /// <summary>Every (tenant, knowledge base) pair the query may read: the tenant's own, then the shared ones.</summary>
    public IReadOnlyList<KnowledgeBaseScope> Scopes =>
        [.. KnowledgeBaseIds.Distinct().Select(kb => new KnowledgeBaseScope(TenantId, kb)), .. (Shared ?? []).Distinct()];

    /// <summary>True when the filter has a condition beyond tenant and knowledge base.</summary>
    public bool Narrows => DocumentIds is not null || Tags is not null || EffectiveFrom is not null || EffectiveTo is not null || Groups is not null;

    /// <summary>
    /// Whether a chunk passes every optional condition (tenant and knowledge base are checked by the index query).
    /// Groups belong to a tenant: on a shared knowledge base's chunks (another tenant's) only ungrouped ones pass.
    /// </summary>
    public bool Matches(ChunkPayload chunk) =>
        AccessGroups.CanSee(chunk.Groups, chunk.TenantId == TenantId ? Groups : [])
        && (DocumentIds is null || DocumentIds.Contains(chunk.DocumentId))
        && (Tags is null || chunk.Tags.Any(Tags.Contains))
        && (EffectiveFrom is null || chunk.EffectiveDate >= EffectiveFrom)
        && (EffectiveTo is null || chunk.EffectiveDate <= EffectiveTo);
}
