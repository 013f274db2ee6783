using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>
    /// A knowledge base the caller may read: its own (first, so its own names win), or one the platform
    /// published to its tenant (decision 0042). Within the key's allow-list; anything else is not found.
    /// </summary>
    public static async Task<KnowledgeBase?> FindReadableKnowledgeBaseAsync(this KnowledgeDbContext db, ClaimsPrincipal user, string idOrName, CancellationToken ct)
    {
        if (await db.FindKnowledgeBaseAsync(user, idOrName, ct) is { } own) return own;
        var tenant = user.TenantId();
        var shared = await db.KnowledgeBases.AsNoTracking()
            .Where(k => (k.Id == idOrName || k.Name == idOrName) && db.KnowledgeBaseShares.Any(s => s.KnowledgeBaseId == k.Id && s.TenantId == tenant))
            .OrderBy(k => k.Id == idOrName ? 0 : 1)
            .FirstOrDefaultAsync(ct);
        return shared is not null && user.CanReach(shared.Id) ? shared : null;
    }

    /// <summary>
    /// A knowledge base the caller may change: its own. A knowledge base shared with it answers 403
    /// knowledge_base_read_only (the caller can see it, so hiding it would only confuse); anything else 404.
    /// </summary>
    public static async Task<(KnowledgeBase? KnowledgeBase, ProblemHttpResult? Problem)> FindWritableKnowledgeBaseAsync(
        this KnowledgeDbContext db, ClaimsPrincipal user, string idOrName, CancellationToken ct)
    {
        if (await db.FindKnowledgeBaseAsync(user, idOrName, ct) is { } own) return (own, null);
        return await db.FindReadableKnowledgeBaseAsync(user, idOrName, ct) is not null
            ? (null, ReadOnly(idOrName))
            : (null, ApiProblems.NotFound("knowledge base", idOrName));
    }

    public static ProblemHttpResult ReadOnly(string idOrName) =>
        ApiProblems.Problem(StatusCodes.Status403Forbidden, "knowledge_base_read_only", $"The knowledge base '{idOrName}' is shared with this tenant read-only.");

    /// <summary>The knowledge bases published to the caller's tenant that its key may reach.</summary>
    public static async Task<List<KnowledgeBase>> SharedKnowledgeBasesAsync(this KnowledgeDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var shared = await db.KnowledgeBases.AsNoTracking()
            .Where(k => k.TenantId != tenant && db.KnowledgeBaseShares.Any(s => s.KnowledgeBaseId == k.Id && s.TenantId == tenant))
            .OrderBy(k => k.Name).ToListAsync(ct);
        return shared.Where(k => user.CanReach(k.Id)).ToList();
    }

    /// <summary>Whether the knowledge base belongs to another tenant (so the caller reads it as shared).</summary>
    public static bool IsSharedWith(this KnowledgeBase kb, ClaimsPrincipal user) => kb.TenantId != user.TenantId();
}
