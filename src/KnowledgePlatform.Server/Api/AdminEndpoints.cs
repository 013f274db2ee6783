using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api;

/// <summary>Tenant administration: API keys and the security policy (the audit log: Audit/AuditEndpoints).</summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdministration(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").WithTags("API keys").RequireAuthorization(ApiScopes.Admin);
        keys.MapPost("/", CreateKey).WithSummary("Create an API key; the secret is in this response only");
        keys.MapGet("/", ListKeys).WithSummary("The tenant's keys (never their secrets)");
        keys.MapPatch("/{id}", UpdateKey).WithSummary("Rename a key, or change the origins a widget key works from (in force on its next request)");
        keys.MapDelete("/{id}", RevokeKey).WithSummary("Revoke a key at once");

        var policy = api.MapGroup("/policy").WithTags("Policy");
        policy.MapGet("/", GetPolicy).RequireAuthorization(ApiScopes.Read).WithSummary("The tenant's template, overrides and the policy in force");
        policy.MapPut("/", PutPolicy).RequireAuthorization(ApiScopes.Admin).WithSummary("Attach a template and tighten it (overrides can only make it stricter)");
        var kbPolicy = api.MapGroup("/knowledge-bases/{kb}/policy").WithTags("Policy");
        kbPolicy.MapGet("/", GetKnowledgeBasePolicy).RequireAuthorization(ApiScopes.Read)
            .WithSummary("A knowledge base's tightening of the tenant's policy, and the policy in force for it");
        kbPolicy.MapPut("/", PutKnowledgeBasePolicy).RequireAuthorization(ApiScopes.Admin)
            .WithSummary("Tighten the tenant's policy for one knowledge base (more redaction, blocked topics, a disclaimer, citations, shorter answers)")
            .WithDescription("The body is the overrides; null clears them. Retention is the tenant's and cannot be set here.");
        api.MapGet("/policy-templates", () => TypedResults.Ok(PolicyTemplates.All)).RequireAuthorization(ApiScopes.Read).WithTags("Policy")
            .WithSummary("The policy templates tenants can attach");
        return api;
    }

    private static async Task<Results<Created<CreatedApiKeyDto>, ProblemHttpResult>> CreateKey(
        CreateApiKeyRequest request, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var scopes = request.Scopes ?? [ApiScopes.Read, ApiScopes.Ask];
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
            return ApiProblems.Validation("invalid_name", "A key needs a name of 1 to 100 characters.");
        // Only a platform admin hands on the platform scope (and only keys of the platform tenant honour it).
        if (scopes.Count == 0 || scopes.Any(s => !ApiScopes.All.Contains(s) && !(s == ApiScopes.Platform && user.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiScopes.Platform))))
            return ApiProblems.Validation("invalid_scope", $"Scopes are {string.Join(", ", ApiScopes.All)}.");
        if (request.ExpiresAt <= clock.GetUtcNow())
            return ApiProblems.Validation("invalid_expiry", "expiresAt must be in the future.");
        List<string>? kbIds = null;
        if (request.KnowledgeBases is { } names)
        {
            kbIds = [];
            foreach (var name in names)
            {
                var kb = await db.FindReadableKnowledgeBaseAsync(user, name, ct);
                if (kb is null) return ApiProblems.NotFound("knowledge base", name);
                kbIds.Add(kb.Id);
            }
        }
        // A key can never be wider than the key that creates it.
        if (user.FindAll(ApiKeyAuthenticationHandler.KnowledgeBaseClaim).Any() && kbIds is null)
            return ApiProblems.Validation("invalid_scope", "This key is limited to some knowledge bases; name them for the new key.");

        if (request.Kind == ApiKeyKind.Widget)
        {
            // Widget keys are visible in page source: ask only, named knowledge bases only, named origins only.
            if (kbIds is not { Count: > 0 })
                return ApiProblems.Validation("widget_key_needs_knowledge_bases", "A widget key must name the knowledge bases it may ask.");
            if (OriginsProblem(request.AllowedOrigins) is { } problem) return problem;
            scopes = [ApiScopes.Ask];
        }

        List<string>? groups = null;
        if (request.Groups is { } requested)
        {
            (groups, var groupProblem) = AccessGroups.Clean(requested);
            if (groups is null) return ApiProblems.Validation("invalid_groups", groupProblem!);
        }

        var secret = ApiKeys.Generate();
        var key = ApiKeys.Create(tenant, request.Name.Trim(), secret);
        key.Scopes = [.. scopes.Distinct()];
        key.KnowledgeBaseIds = kbIds;
        key.ExpiresAt = request.ExpiresAt;
        key.Kind = request.Kind;
        key.AllowedOrigins = request.AllowedOrigins?.Select(WidgetOrigins.Normalise).ToList();
        key.Groups = groups;
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "key.create", key.Id, new { key.Name, key.Scopes, key.KnowledgeBaseIds, key.ExpiresAt, key.Groups }, ct);
        return TypedResults.Created($"/api/v1/api-keys/{key.Id}", new CreatedApiKeyDto(ApiKeyDto.From(key), secret));
    }

    private static async Task<Ok<List<ApiKeyDto>>> ListKeys(ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenant).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(keys.Select(ApiKeyDto.From).ToList());
    }

    private static ProblemHttpResult? OriginsProblem(IReadOnlyList<string>? origins) =>
        origins is not { Count: > 0 } || origins.Any(o => !Uri.TryCreate(o.Trim(), UriKind.Absolute, out var u) || u.AbsolutePath != "/" || u.Scheme is not ("https" or "http"))
            ? ApiProblems.Validation("invalid_origins", "A widget key needs allowedOrigins such as https://shop.example (scheme, host and optional port).")
            : null;

    private static async Task<Results<Ok<ApiKeyDto>, ProblemHttpResult>> UpdateKey(
        string id, UpdateApiKeyRequest request, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.TenantId == tenant, ct);
        if (key is null) return ApiProblems.NotFound("API key", id);
        if (request.Name is { } name)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > 100) return ApiProblems.Validation("invalid_name", "A key needs a name of 1 to 100 characters.");
            key.Name = name.Trim();
        }
        if (request.AllowedOrigins is { } origins)
        {
            if (key.Kind != ApiKeyKind.Widget) return ApiProblems.Validation("not_a_widget_key", "Only widget keys have allowed origins.");
            if (OriginsProblem(origins) is { } problem) return problem;
            key.AllowedOrigins = origins.Select(WidgetOrigins.Normalise).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "key.update", key.Id, new { request.Name, request.AllowedOrigins }, ct);
        return TypedResults.Ok(ApiKeyDto.From(key));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var revoked = await db.ApiKeys.Where(k => k.Id == id && k.TenantId == tenant && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, clock.GetUtcNow()), ct);
        if (revoked == 0 && !await db.ApiKeys.AnyAsync(k => k.Id == id && k.TenantId == tenant, ct)) return ApiProblems.NotFound("API key", id);
        await audit.RecordAsync(user, "key.revoke", id, null, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PolicyDto>> GetPolicy(ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == user.TenantId(), ct);
        return TypedResults.Ok(new PolicyDto(tenant.PolicyTemplate, tenant.PolicyOverrides, tenant.EffectivePolicy()));
    }

    private static async Task<Results<Ok<PolicyDto>, ProblemHttpResult>> PutPolicy(
        UpdatePolicyRequest request, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        if (request.Template is not null && PolicyTemplates.Find(request.Template) is null)
            return ApiProblems.Validation("unknown_template", $"Templates are {string.Join(", ", PolicyTemplates.All.Select(p => p.Name))}.");
        if (Invalid(request.Overrides) is { } invalid) return invalid;
        var tenant = await db.Tenants.SingleAsync(t => t.Id == user.TenantId(), ct);
        tenant.PolicyTemplate = request.Template;
        tenant.PolicyOverrides = request.Overrides;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "policy.update", tenant.Id, request, ct);
        return TypedResults.Ok(new PolicyDto(tenant.PolicyTemplate, tenant.PolicyOverrides, tenant.EffectivePolicy()));
    }

    private static ProblemHttpResult? Invalid(PolicyOverrides? overrides) =>
        overrides?.Redact?.Except(RedactionRules.BuiltIn.Select(r => r.Name), StringComparer.OrdinalIgnoreCase).FirstOrDefault() is { } rule
            ? ApiProblems.Validation("unknown_redaction_rule", $"'{rule}' is not a redaction rule; known: {string.Join(", ", RedactionRules.BuiltIn.Select(r => r.Name))}.")
            : overrides is { MaxAnswerChars: < 1 } or { RetentionDays: < 1 } ? ApiProblems.Validation("invalid_policy", "Limits must be positive.")
            : null;

    private static async Task<Results<Ok<KnowledgeBasePolicyDto>, ProblemHttpResult>> GetKnowledgeBasePolicy(string kb, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var found = await db.FindKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);
        return TypedResults.Ok(await PolicyDtoAsync(db, found, ct));
    }

    private static async Task<KnowledgeBasePolicyDto> PolicyDtoAsync(KnowledgeDbContext db, KnowledgeBase kb, CancellationToken ct)
    {
        var tenantPolicy = await db.PolicyOfAsync(kb.TenantId, ct);
        return new KnowledgeBasePolicyDto(kb.Id, kb.PolicyOverrides, tenantPolicy, kb.Policy(tenantPolicy));
    }

    private static async Task<Results<Ok<KnowledgeBasePolicyDto>, ProblemHttpResult>> PutKnowledgeBasePolicy(
        string kb, PolicyOverrides? overrides, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        if (Invalid(overrides) is { } invalid) return invalid;
        if (overrides?.RetentionDays is not null)
            return ApiProblems.Validation("retention_is_tenant_wide", "Retention applies to the whole tenant: set it in the tenant's policy.");
        var found = await db.FindKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);
        var tracked = await db.KnowledgeBases.SingleAsync(k => k.Id == found.Id && k.TenantId == found.TenantId, ct);
        // Overrides that add nothing are none: the knowledge base follows the tenant's policy only.
        tracked.PolicyOverrides = overrides is null || overrides == new PolicyOverrides() ? null : overrides;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "knowledge_base.policy.update", tracked.Id, overrides, ct);
        return TypedResults.Ok(await PolicyDtoAsync(db, tracked, ct));
    }
}
