using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Api;

/// <summary>A tenant as the platform admin sees it.</summary>
public sealed record PlatformTenantDto(string Id, string Name, string? PolicyTemplate, DateTimeOffset CreatedAt, int KnowledgeBases, int Documents, int Users);

/// <summary>Tenant administration for platform admins (decision 0156): list, inspect and delete tenants. Platform scope only, audited.</summary>
public static class TenantEndpoints
{
    public static RouteGroupBuilder MapTenants(this RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/platform/tenants").WithTags("Platform").RequireAuthorization(ApiScopes.Platform);
        tenants.MapGet("/", List).WithSummary("Every tenant of the platform");
        tenants.MapGet("/{tenantId}", Get).WithSummary("One tenant");
        tenants.MapDelete("/{tenantId}", Delete).WithSummary("Delete a tenant and everything of it: documents, chunks, vectors, files, keys, users, audit, conversations, sources")
            .WithDescription("Irreversible. The platform tenant cannot be deleted. The deletion is audited in the platform tenant's log.");
        return api;
    }

    private static IQueryable<PlatformTenantDto> Dtos(KnowledgeDbContext db) =>
        db.Tenants.AsNoTracking().Select(t => new PlatformTenantDto(t.Id, t.Name, t.PolicyTemplate, t.CreatedAt,
            db.KnowledgeBases.Count(k => k.TenantId == t.Id), db.Documents.Count(d => d.TenantId == t.Id), db.Users.Count(u => u.TenantId == t.Id)));

    private static async Task<Ok<List<PlatformTenantDto>>> List(KnowledgeDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await Dtos(db).ToListAsync(ct)).OrderBy(t => t.Id, StringComparer.Ordinal).ToList());

    private static async Task<Results<Ok<PlatformTenantDto>, ProblemHttpResult>> Get(string tenantId, KnowledgeDbContext db, CancellationToken ct) =>
        await Dtos(db).SingleOrDefaultAsync(t => t.Id == tenantId, ct) is { } tenant ? TypedResults.Ok(tenant) : ApiProblems.NotFound("tenant", tenantId);

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string tenantId, ClaimsPrincipal user, TenantDeletion deletion, AuditLog audit, IOptions<PlatformOptions> platform, CancellationToken ct)
    {
        if (tenantId == platform.Value.TenantId || tenantId == user.TenantId())
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "platform_tenant", "The platform tenant cannot be deleted.");
        if (!await deletion.DeleteAsync(tenantId, ct)) return ApiProblems.NotFound("tenant", tenantId);
        await audit.RecordAsync(user, "tenant.delete", tenantId, null, ct);
        return TypedResults.NoContent();
    }
}
