using KnowledgePlatform.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>Lookups that always carry the tenant: another tenant's row is indistinguishable from a missing one.</summary>
public static class TenantQueries
{
    /// <summary>A knowledge base of the tenant by id or by name; another tenant's is simply not found.</summary>
    public static Task<KnowledgeBase?> FindKnowledgeBaseAsync(this KnowledgeDbContext db, string tenantId, string idOrName, CancellationToken cancellationToken) =>
        db.KnowledgeBases.AsNoTracking().FirstOrDefaultAsync(k => k.TenantId == tenantId && (k.Id == idOrName || k.Name == idOrName), cancellationToken);
}
