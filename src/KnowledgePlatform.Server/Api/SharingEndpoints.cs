using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api;

/// <summary>
/// Shared industry knowledge bases (decision 0042): the platform admin publishes one of the platform
/// tenant's knowledge bases read-only to chosen tenants. A grant or a revoke takes effect on the next request.
/// </summary>
public static class SharingEndpoints
{
    public static RouteGroupBuilder MapSharing(this RouteGroupBuilder api)
    {
        var shares = api.MapGroup("/platform/knowledge-bases/{kb}/shares").WithTags("Platform").RequireAuthorization(ApiScopes.Platform);
        shares.MapGet("/", List).WithSummary("The tenants a platform knowledge base is published to");
        shares.MapPut("/{tenantId}", Grant).WithSummary("Publish a platform knowledge base read-only to a tenant");
        shares.MapDelete("/{tenantId}", Revoke).WithSummary("Stop publishing a platform knowledge base to a tenant (at once)");
        return api;
    }

    private static async Task<Results<Ok<List<KnowledgeBaseShareDto>>, ProblemHttpResult>> List(string kb, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var found = await db.FindKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);
        var shares = await db.KnowledgeBaseShares.AsNoTracking().Where(s => s.KnowledgeBaseId == found.Id).OrderBy(s => s.TenantId).ToListAsync(ct);
        return TypedResults.Ok(shares.Select(s => new KnowledgeBaseShareDto(s.KnowledgeBaseId, s.TenantId, s.GrantedAt, s.GrantedBy)).ToList());
    }

    private static async Task<Results<Ok<KnowledgeBaseShareDto>, ProblemHttpResult>> Grant(
        string kb, string tenantId, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        // Only the platform tenant's own knowledge bases can be published (the caller's tenant is the platform's).
        var found = await db.FindKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);
        if (tenantId == found.TenantId || !await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return ApiProblems.NotFound("tenant", tenantId);
        var share = await db.KnowledgeBaseShares.AsNoTracking().FirstOrDefaultAsync(s => s.KnowledgeBaseId == found.Id && s.TenantId == tenantId, ct);
        if (share is null)
        {
            share = new KnowledgeBaseShare { KnowledgeBaseId = found.Id, TenantId = tenantId, GrantedBy = user.Actor() };
            db.KnowledgeBaseShares.Add(share);
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(user, "share.grant", found.Id, new { tenantId }, ct);
        }
        return TypedResults.Ok(new KnowledgeBaseShareDto(share.KnowledgeBaseId, share.TenantId, share.GrantedAt, share.GrantedBy));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string kb, string tenantId, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        var found = await db.FindKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);
        if (await db.KnowledgeBaseShares.Where(s => s.KnowledgeBaseId == found.Id && s.TenantId == tenantId).ExecuteDeleteAsync(ct) == 0)
            return ApiProblems.NotFound("share", tenantId);
        await audit.RecordAsync(user, "share.revoke", found.Id, new { tenantId }, ct);
        return TypedResults.NoContent();
    }
}
