using System.Security.Claims;
using System.Text.RegularExpressions;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using KnowledgePlatform.Server.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Api.Tenants;

/// <summary>Tenant administration for platform admins (decision 0156). Platform scope only; every change is audited in the platform tenant's log.</summary>
public static partial class TenantEndpoints
{
    public static RouteGroupBuilder MapTenants(this RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/platform/tenants").WithTags("Platform").RequireAuthorization(ApiScopes.Platform);
        tenants.MapGet("/", List).WithSummary("Every tenant of the platform");
        tenants.MapPost("/", Create).WithSummary("Create a tenant from a template (medical, customer-service, general) and invite its first admin")
            .WithDescription("The invitation link is in this response only: it sets the invitee's password once and expires after 72 hours.");
        tenants.MapGet("/templates", () => TypedResults.Ok(TenantTemplate.All)).WithSummary("The templates a tenant can be created from");
        tenants.MapGet("/{tenantId}", Get).WithSummary("One tenant");
        tenants.MapPost("/{tenantId}/invitations", Invite).WithSummary("Invite a user (tenant-admin unless another role is named); the one-time link is in this response only");
        tenants.MapGet("/{tenantId}/invitations", Invitations).WithSummary("The tenant's invitations (never their links)");
        tenants.MapPost("/{tenantId}/suspend", Suspend).WithSummary("Suspend a tenant: its keys, tokens and portal users are refused with 403 tenant_suspended");
        tenants.MapPost("/{tenantId}/resume", Resume).WithSummary("Resume a suspended tenant");
        tenants.MapDelete("/{tenantId}", Delete).WithSummary("Delete a tenant and everything of it: documents, chunks, vectors, files, keys, users, audit, conversations, sources")
            .WithDescription("Irreversible. The platform tenant cannot be deleted. The deletion is audited in the platform tenant's log.");
        return api;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex TenantIdPattern();

    /// <summary>Every tenant, or the one named by <paramref name="id"/>, with its counts.</summary>
    private static IQueryable<PlatformTenantDto> Dtos(KnowledgeDbContext db, string? id = null) =>
        db.Tenants.AsNoTracking().Where(t => id == null || t.Id == id).Select(t => new PlatformTenantDto(t.Id, t.Name, t.PolicyTemplate, t.CreatedAt, t.SuspendedAt, t.SuspensionReason,
            db.KnowledgeBases.Count(k => k.TenantId == t.Id), db.Documents.Count(d => d.TenantId == t.Id), db.Users.Count(u => u.TenantId == t.Id)));

    private static async Task<Ok<List<PlatformTenantDto>>> List(KnowledgeDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await Dtos(db).ToListAsync(ct)).OrderBy(t => t.Id, StringComparer.Ordinal).ToList());

    private static async Task<Results<Ok<PlatformTenantDto>, ProblemHttpResult>> Get(string tenantId, KnowledgeDbContext db, CancellationToken ct) =>
        await Dtos(db, tenantId).SingleOrDefaultAsync(ct) is { } tenant ? TypedResults.Ok(tenant) : ApiProblems.NotFound("tenant", tenantId);

    private static async Task<Results<Created<CreatedTenantDto>, ProblemHttpResult>> Create(
        CreateTenantRequest request, ClaimsPrincipal user, KnowledgeDbContext db, TenantInvitations invitations, EmbeddingModelRegistry models,
        AuditLog audit, HttpContext context, CancellationToken ct)
    {
        var id = request.Id?.Trim() ?? "";
        if (!TenantIdPattern().IsMatch(id))
            return ApiProblems.Validation("invalid_tenant_id", "A tenant id is 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit.");
        var name = string.IsNullOrWhiteSpace(request.Name) ? id : request.Name.Trim();
        if (name.Length > 200 || name.Any(char.IsControl)) return ApiProblems.Validation("invalid_name", "A tenant name has 1 to 200 characters.");
        if (TenantTemplate.Find(request.Template) is not { } template)
            return ApiProblems.Validation("unknown_template", $"Templates are {string.Join(", ", TenantTemplate.All.Select(t => t.Name))}.");
        var kbName = request.KnowledgeBase?.Trim();
        if (kbName is { Length: 0 or > 100 } || kbName?.Any(char.IsControl) == true)
            return ApiProblems.Validation("invalid_name", "A knowledge base needs a name of 1 to 100 characters.");
        var email = request.AdminEmail?.Trim();
        if (email is not null && !TenantInvitations.IsEmail(email)) return ApiProblems.Validation("invalid_email", "adminEmail is not an e-mail address.");
        if (await db.Tenants.AnyAsync(t => t.Id == id, ct))
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "tenant_exists", $"A tenant '{id}' already exists.");

        db.Tenants.Add(new Tenant { Id = id, Name = name, PolicyTemplate = template.PolicyTemplate });
        if (kbName is not null)
            db.KnowledgeBases.Add(KnowledgeBase.Create(id, kbName, template.Vertical, models.Get(null).Card, $"Created with the {template.Name} template"));
        await db.SaveChangesAsync(ct);
        var invitation = email is null ? null : await invitations.CreateAsync(id, email, PortalRoles.TenantAdmin, user, context.Request, ct);
        await audit.RecordAsync(user, "tenant.create", id, new { name, template = template.Name, knowledgeBase = kbName, invited = email }, ct);
        var created = await Dtos(db, id).SingleAsync(ct);
        return TypedResults.Created($"/api/v1/platform/tenants/{id}", new CreatedTenantDto(created, invitation));
    }

    private static async Task<Results<Created<InvitationDto>, ProblemHttpResult>> Invite(
        string tenantId, InviteRequest request, ClaimsPrincipal user, KnowledgeDbContext db, TenantInvitations invitations, AuditLog audit, HttpContext context, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return ApiProblems.NotFound("tenant", tenantId);
        var email = request.Email?.Trim() ?? "";
        if (!TenantInvitations.IsEmail(email)) return ApiProblems.Validation("invalid_email", "email is not an e-mail address.");
        var role = request.Role ?? PortalRoles.TenantAdmin;
        if (role == PortalRoles.PlatformAdmin || !PortalRoles.All.Contains(role))
            return ApiProblems.Validation("invalid_role", $"Roles are {PortalRoles.TenantAdmin}, {PortalRoles.Curator} and {PortalRoles.Viewer}.");
        var invitation = await invitations.CreateAsync(tenantId, email, role, user, context.Request, ct);
        await audit.RecordAsync(user, "tenant.invite", tenantId, new { invitation.Id, email, role }, ct);
        return TypedResults.Created($"/api/v1/platform/tenants/{tenantId}/invitations", invitation);
    }

    private static async Task<Results<Ok<List<InvitationDto>>, ProblemHttpResult>> Invitations(string tenantId, KnowledgeDbContext db, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return ApiProblems.NotFound("tenant", tenantId);
        var list = await db.TenantInvitations.AsNoTracking().Where(i => i.TenantId == tenantId).ToListAsync(ct);
        return TypedResults.Ok(list.OrderByDescending(i => i.CreatedAt).Select(TenantInvitations.From).ToList());
    }

    private static Task<Results<Ok<PlatformTenantDto>, ProblemHttpResult>> Suspend(
        string tenantId, SuspendRequest? request, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, IOptions<PlatformOptions> platform, TimeProvider clock, CancellationToken ct) =>
        request?.Reason is { Length: > 500 }
            ? Task.FromResult<Results<Ok<PlatformTenantDto>, ProblemHttpResult>>(ApiProblems.Validation("invalid_reason", "A reason has at most 500 characters."))
            : SetSuspensionAsync(tenantId, clock.GetUtcNow(), request?.Reason?.Trim(), user, db, audit, platform, ct);

    private static Task<Results<Ok<PlatformTenantDto>, ProblemHttpResult>> Resume(
        string tenantId, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, IOptions<PlatformOptions> platform, CancellationToken ct) =>
        SetSuspensionAsync(tenantId, null, null, user, db, audit, platform, ct);

    private static async Task<Results<Ok<PlatformTenantDto>, ProblemHttpResult>> SetSuspensionAsync(
        string tenantId, DateTimeOffset? at, string? reason, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, IOptions<PlatformOptions> platform, CancellationToken ct)
    {
        if (tenantId == platform.Value.TenantId)
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "platform_tenant", "The platform tenant cannot be suspended.");
        var changed = await db.Tenants.Where(t => t.Id == tenantId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SuspendedAt, at).SetProperty(t => t.SuspensionReason, reason), ct);
        if (changed == 0) return ApiProblems.NotFound("tenant", tenantId);
        await audit.RecordAsync(user, at is null ? "tenant.resume" : "tenant.suspend", tenantId, reason is null ? null : new { reason }, ct);
        return TypedResults.Ok(await Dtos(db, tenantId).SingleAsync(ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string tenantId, ClaimsPrincipal user, TenantDeletion deletion, AuditLog audit, IOptions<PlatformOptions> platform, CancellationToken ct)
    {
        if (tenantId == platform.Value.TenantId)
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "platform_tenant", "The platform tenant cannot be deleted.");
        if (!await deletion.DeleteAsync(tenantId, ct)) return ApiProblems.NotFound("tenant", tenantId);
        await audit.RecordAsync(user, "tenant.delete", tenantId, null, ct);
        return TypedResults.NoContent();
    }
}
