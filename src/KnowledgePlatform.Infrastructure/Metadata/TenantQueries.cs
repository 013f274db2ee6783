using KnowledgePlatform.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>Lookups that always carry the tenant: another tenant's row is indistinguishable from a missing one.</summary>
public static class TenantQueries
{
    /// <summary>A knowledge base of the tenant by id or by name; another tenant's is simply not found.</summary>
    public static Task<KnowledgeBase?> FindKnowledgeBaseAsync(this KnowledgeDbContext db, string tenantId, string idOrName, CancellationToken cancellationToken) =>
        db.KnowledgeBases.AsNoTracking().FirstOrDefaultAsync(k => k.TenantId == tenantId && (k.Id == idOrName || k.Name == idOrName), cancellationToken);

    /// <summary>The policy in force for the tenant.</summary>
    public static async Task<Core.Policies.SecurityPolicy> PolicyOfAsync(this KnowledgeDbContext db, string tenantId, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, cancellationToken);
        return tenant?.EffectivePolicy() ?? Core.Policies.PolicyTemplates.Default;
    }

    /// <summary>
    /// The policy in force for a request to these knowledge bases: the asking tenant's, tightened by each knowledge
    /// base's own overrides (decision 0054), so a request can only be governed more strictly than the tenant is.
    /// </summary>
    public static async Task<Core.Policies.SecurityPolicy> PolicyOfAsync(
        this KnowledgeDbContext db, string tenantId, IEnumerable<KnowledgeBase> knowledgeBases, CancellationToken cancellationToken) =>
        knowledgeBases.Aggregate(await db.PolicyOfAsync(tenantId, cancellationToken), (policy, kb) => kb.Policy(policy));
}
