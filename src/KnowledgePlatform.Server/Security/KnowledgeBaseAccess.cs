using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;

namespace KnowledgePlatform.Server.Security;

public static class KnowledgeBaseAccess
{
    /// <summary>
    /// A knowledge base the caller may reach, by id or name: the caller's tenant's, and within the
    /// key's allow-list. Anything else is simply not found, so existence is never revealed.
    /// </summary>
    public static async Task<KnowledgeBase?> FindKnowledgeBaseAsync(this KnowledgeDbContext db, ClaimsPrincipal user, string idOrName, CancellationToken ct)
    {
        var kb = await db.FindKnowledgeBaseAsync(user.TenantId(), idOrName, ct);
        return kb is not null && user.CanReach(kb.Id) ? kb : null;
    }
}
