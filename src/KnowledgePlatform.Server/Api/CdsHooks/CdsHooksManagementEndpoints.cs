using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.CdsHooks;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api.CdsHooks;

/// <summary>
/// The tenant's CDS Hooks set-up (admin scope; the portal's CDS Hooks page uses it): services per knowledge base, the EHR
/// clients it trusts, and recent invocations with their cards.
/// </summary>
public static partial class CdsHooksManagementEndpoints
{
    public static RouteGroupBuilder MapCdsHooksManagement(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/cds-hooks").RequireAuthorization(ApiScopes.Admin).WithTags("CDS Hooks");
        g.MapGet("/services", ListServices).WithSummary("The tenant's CDS services");
        g.MapPost("/services", CreateService).WithSummary("Offer a knowledge base to EHRs on a hook (patient-view, order-select, order-sign)");
        g.MapPatch("/services/{id}", UpdateService).WithSummary("Enable, disable or retitle a CDS service");
        g.MapDelete("/services/{id}", DeleteService);
        g.MapGet("/clients", ListClients).WithSummary("The EHRs whose signed JWTs this tenant accepts");
        g.MapPost("/clients", CreateClient).WithSummary("Register an EHR: its issuer and its JWK Set URL or public keys");
        g.MapDelete("/clients/{id}", DeleteClient);
        g.MapGet("/invocations", ListInvocations).WithSummary("Recent CDS service calls and the cards they returned");
        return api;
    }

    private static CdsServiceDto Dto(CdsService s) => new(s.Id, s.ServiceId, s.Hook, s.KnowledgeBaseId, s.Title, s.Description, s.Enabled, s.CreatedAt);
    private static CdsClientDto Dto(CdsClient c) => new(c.Id, c.Name, c.Issuer, c.ClientId, c.JwksUrl, c.Jwks is not null, c.Enabled, c.CreatedAt, c.LastUsedAt);

    private static async Task<Ok<List<CdsServiceDto>>> ListServices(ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var list = await db.CdsServices.AsNoTracking().Where(s => s.TenantId == tenant).OrderBy(s => s.ServiceId).ToListAsync(ct);
        return TypedResults.Ok(list.Select(Dto).ToList());
    }

    private static async Task<Results<Created<CdsServiceDto>, ProblemHttpResult>> CreateService(
        CreateCdsServiceRequest request, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        if (!CdsHookCatalog.Hooks.Contains(request.Hook))
            return ApiProblems.Validation("unknown_hook", $"hook must be one of {string.Join(", ", CdsHookCatalog.Hooks)}.");
        var kb = await db.FindKnowledgeBaseAsync(tenant, request.KnowledgeBase ?? "", ct);
        if (kb is null || !user.CanReach(kb.Id)) return ApiProblems.NotFound("knowledge base", request.KnowledgeBase ?? "");
        var serviceId = string.IsNullOrWhiteSpace(request.ServiceId) ? $"{Slug(kb.Name)}-{request.Hook}" : request.ServiceId.Trim();
        if (!ServiceIdPattern().IsMatch(serviceId))
            return ApiProblems.Validation("invalid_service_id", "serviceId must be 1 to 100 letters, digits, '-', '_' or '.'.");
        if (await db.CdsServices.AnyAsync(s => s.TenantId == tenant && s.ServiceId == serviceId, ct))
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "service_exists", $"A CDS service '{serviceId}' already exists.");
        var service = new CdsService
        {
            Id = Ids.New("cds"), TenantId = tenant, ServiceId = serviceId, KnowledgeBaseId = kb.Id, Hook = request.Hook,
            Title = Clip(request.Title, 200) ?? $"{CdsHookCatalog.DefaultTitle(request.Hook)} ({kb.Name})",
            Description = Clip(request.Description, 1000) ?? CdsHookCatalog.DefaultDescription(request.Hook, kb.Name),
        };
        db.CdsServices.Add(service);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "cds.service.create", service.Id, new { service.ServiceId, service.Hook, knowledgeBase = kb.Id }, ct);
        return TypedResults.Created($"/api/v1/cds-hooks/services/{service.Id}", Dto(service));
    }

    private static async Task<Results<Ok<CdsServiceDto>, ProblemHttpResult>> UpdateService(
        string id, UpdateCdsServiceRequest request, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var service = await db.CdsServices.FirstOrDefaultAsync(s => s.TenantId == tenant && s.Id == id, ct);
        if (service is null) return ApiProblems.NotFound("CDS service", id);
        if (request.Enabled is { } enabled) service.Enabled = enabled;
        if (Clip(request.Title, 200) is { } title) service.Title = title;
        if (Clip(request.Description, 1000) is { } description) service.Description = description;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "cds.service.update", service.Id, new { service.Enabled }, ct);
        return TypedResults.Ok(Dto(service));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteService(string id, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        if (await db.CdsServices.Where(s => s.TenantId == tenant && s.Id == id).ExecuteDeleteAsync(ct) == 0) return ApiProblems.NotFound("CDS service", id);
        await audit.RecordAsync(user, "cds.service.delete", id, null, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<CdsClientDto>>> ListClients(ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var list = await db.CdsClients.AsNoTracking().Where(c => c.TenantId == tenant).OrderBy(c => c.Name).ToListAsync(ct);
        return TypedResults.Ok(list.Select(Dto).ToList());
    }

    private static async Task<Results<Created<CdsClientDto>, ProblemHttpResult>> CreateClient(
        CreateCdsClientRequest request, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200) return ApiProblems.Validation("invalid_name", "name is required (at most 200 characters).");
        if (string.IsNullOrWhiteSpace(request.Issuer) || request.Issuer.Length > 500) return ApiProblems.Validation("invalid_issuer", "issuer (the JWT's iss) is required.");
        var jwks = request.Jwks is { ValueKind: JsonValueKind.Object } set ? set.GetRawText() : null;
        if ((jwks is null) == string.IsNullOrWhiteSpace(request.JwksUrl))
            return ApiProblems.Validation("keys_required", "Give either jwksUrl (where the EHR publishes its JWK Set) or jwks (the JWK Set itself).");
        if (request.JwksUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            return ApiProblems.Validation("invalid_jwks_url", "jwksUrl must be an absolute https URL.");
        if (jwks is not null && CdsClientKeys.Problem(jwks) is { } problem) return ApiProblems.Validation("invalid_jwks", problem);
        var clientId = string.IsNullOrWhiteSpace(request.ClientId) ? null : request.ClientId.Trim();
        var issuer = request.Issuer.Trim();
        if (await db.CdsClients.AnyAsync(c => c.TenantId == tenant && c.Issuer == issuer && c.ClientId == clientId, ct))
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "client_exists", "This issuer (and client id) is already registered.");
        // Deliberately across tenants: an EHR's token must lead to exactly one tenant, so no tenant may claim an issuer
        // (and client id) that routes another tenant's EHR calls to itself (decision 0110).
        if (await db.CdsClients.AnyAsync(c => c.TenantId != tenant && c.Issuer == issuer && (c.ClientId == null || clientId == null || c.ClientId == clientId), ct))
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "issuer_in_use",
                clientId is null
                    ? "This issuer is already trusted on this platform. Register it with the client id your EHR sends as the token's sub, or ask the platform operator."
                    : "This issuer and client id are already trusted on this platform. Check the client id your EHR sends as sub, or ask the platform operator.");
        var client = new CdsClient
        {
            Id = Ids.New("ehr"), TenantId = tenant, Name = request.Name.Trim(), Issuer = issuer, ClientId = clientId,
            JwksUrl = string.IsNullOrWhiteSpace(request.JwksUrl) ? null : request.JwksUrl.Trim(), Jwks = jwks,
        };
        db.CdsClients.Add(client);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "cds.client.create", client.Id, new { client.Issuer, client.ClientId, client.JwksUrl }, ct);
        return TypedResults.Created($"/api/v1/cds-hooks/clients/{client.Id}", Dto(client));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteClient(string id, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        if (await db.CdsClients.Where(c => c.TenantId == tenant && c.Id == id).ExecuteDeleteAsync(ct) == 0) return ApiProblems.NotFound("EHR client", id);
        await audit.RecordAsync(user, "cds.client.delete", id, null, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<CdsInvocationDto>>> ListInvocations(int? limit, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var list = await db.CdsInvocations.AsNoTracking().Where(i => i.TenantId == tenant).OrderByDescending(i => i.At)
            .Take(Math.Clamp(limit ?? 50, 1, 200)).ToListAsync(ct);
        return TypedResults.Ok(list.Select(i => new CdsInvocationDto(i.Id, i.ServiceId, i.Hook, i.HookInstance, i.Actor, i.At, i.CardCount,
            JsonSerializer.Deserialize<JsonElement>(i.Cards), i.Notes, i.DurationMs)).ToList());
    }

    private static string? Clip(string? text, int max) => string.IsNullOrWhiteSpace(text) ? null : text.Trim() is var t && t.Length > max ? t[..max] : text.Trim();

    private static string Slug(string name) => SlugPattern().Replace(name.ToLowerInvariant(), "-").Trim('-') is { Length: > 0 } s ? s : "kb";

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex ServiceIdPattern();

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex SlugPattern();
}
