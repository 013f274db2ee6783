using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Quotas;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api;

public static class QuotaEndpoints
{
    public static RouteGroupBuilder MapQuotas(this RouteGroupBuilder api)
    {
        api.MapGet("/quotas", (ClaimsPrincipal user, QuotaService quotas, CancellationToken ct) => quotas.StatusAsync(user, ct))
            .RequireAuthorization(ApiScopes.Read).WithTags("Quotas").WithSummary("The tenant's quotas in force and what it (and this key) used today");
        var platform = api.MapGroup("/platform/tenants/{tenantId}").WithTags("Platform").RequireAuthorization(ApiScopes.Platform);
        platform.MapPut("/quotas", SetTenantQuota).WithSummary("Override a tenant's quotas (null: the configured default)");
        return api;
    }

    private static async Task<Results<Ok<QuotaLimits>, ProblemHttpResult>> SetTenantQuota(
        string tenantId, TenantQuotaRequest request, ClaimsPrincipal user, KnowledgeDbContext db, QuotaService quotas, AuditLog audit, CancellationToken ct)
    {
        if (request is { TokensPerDay: < 1 } or { KeyTokensPerDay: < 1 } or { StorageBytes: < 1 })
            return ApiProblems.Validation("invalid_quota", "Quotas must be positive (or null for the default).");
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return ApiProblems.NotFound("tenant", tenantId);
        var quota = await db.TenantQuotas.FirstOrDefaultAsync(q => q.TenantId == tenantId, ct);
        if (quota is null) db.TenantQuotas.Add(quota = new TenantQuota { TenantId = tenantId });
        (quota.TokensPerDay, quota.KeyTokensPerDay, quota.StorageBytes) = (request.TokensPerDay, request.KeyTokensPerDay, request.StorageBytes);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "quota.update", tenantId, request, ct);
        return TypedResults.Ok(await quotas.LimitsAsync(tenantId, ct));
    }
}
