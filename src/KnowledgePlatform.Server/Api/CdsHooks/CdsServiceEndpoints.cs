using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api.Clinical;
using KnowledgePlatform.Server.CdsHooks;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Api.CdsHooks;

/// <summary>
/// The CDS Hooks 2.0 endpoints an EHR calls: discovery of the tenant's enabled services, a service call that returns
/// cards, and feedback on the cards. The tenant is the one that registered the calling EHR (or owns the API key).
/// </summary>
public static class CdsServiceEndpoints
{
    public static WebApplication MapCdsHooks(this WebApplication app)
    {
        var cds = app.MapGroup("/cds-services").RequireAuthorization(CdsHooksSetup.Policy).RequireRateLimiting(RateLimits.Api).WithTags("CDS Hooks");
        cds.MapGet("", Discovery).WithSummary("CDS Hooks discovery: the services this tenant has enabled");
        cds.MapPost("/{id}", Invoke).WithSummary("Call a CDS service: cards from the knowledge base, or none where it has no evidence");
        cds.MapPost("/{id}/feedback", Feedback).WithSummary("Feedback on cards (accepted or overridden), shown with the other answer feedback");
        app.MapGroup("/api/v1").RequireAuthorization().RequireRateLimiting(RateLimits.Api).MapCdsHooksManagement();
        return app;
    }

    private static async Task<Ok<CdsDiscoveryResponse>> Discovery(ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var services = await db.CdsServices.AsNoTracking().Where(s => s.TenantId == tenant && s.Enabled).OrderBy(s => s.ServiceId).ToListAsync(ct);
        return TypedResults.Ok(new CdsDiscoveryResponse(services.Where(s => user.CanReach(s.KnowledgeBaseId))
            .Select(s => new CdsServiceDescriptor(s.Hook, s.Title, s.Description, s.ServiceId, CdsHookCatalog.Prefetch(s.Hook))
            {
                UsageRequirements = "Prefetch (or fhirServer with fhirAuthorization) gives the patient's eGFR, active medications and conditions; without them cards use the context alone.",
            }).ToList()));
    }

    private static async Task<Results<Ok<CdsResponse>, ProblemHttpResult>> Invoke(
        string id, CdsRequest request, HttpContext http, ClaimsPrincipal user, KnowledgeDbContext db, PatientFactsReader reader,
        CdsCardAdvisor advisor, IOptions<CdsHooksOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var tenant = user.TenantId();
        var service = await db.CdsServices.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenant && s.ServiceId == id && s.Enabled, ct);
        if (service is null || !user.CanReach(service.KnowledgeBaseId)) return ApiProblems.NotFound("CDS service", id);
        if (request.Hook != service.Hook) return ApiProblems.Validation("wrong_hook", $"The service '{id}' answers the hook {service.Hook}, not '{request.Hook}'.");
        if (string.IsNullOrWhiteSpace(request.HookInstance) || request.HookInstance.Length > 100)
            return ApiProblems.Validation("invalid_hook_instance", "hookInstance is required (a UUID of at most 100 characters).");
        if (request.Context.ValueKind != JsonValueKind.Object) return ApiProblems.Validation("invalid_context", "context is required and must be an object.");
        if (request.FhirAuthorization is not null && string.IsNullOrWhiteSpace(request.FhirServer))
            return ApiProblems.Validation("fhir_server_required", "fhirServer is required when fhirAuthorization is given.");
        if (request.FhirServer is { Length: > 0 } fhirServer && !(Uri.TryCreate(fhirServer, UriKind.Absolute, out var fhirUri) && fhirUri.Scheme is "https" or "http"))
            return ApiProblems.Validation("invalid_fhir_server", "fhirServer must be an absolute http(s) URL.");
        var kb = await db.KnowledgeBases.AsNoTracking().FirstOrDefaultAsync(k => k.TenantId == tenant && k.Id == service.KnowledgeBaseId, ct);
        if (kb is null) return ApiProblems.NotFound("knowledge base", service.KnowledgeBaseId);

        var (facts, notes) = await reader.ReadAsync(service.Hook, request, ct);
        var root = options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        var call = new CdsCallRecord(service.ServiceId, service.Hook, request.HookInstance, (await ClinicalEndpoints.ReferenceAsync(db, kb, ct)).Version, root);
        var (cards, uncovered) = await advisor.AdviseAsync(http, kb, CdsQuestion.For(facts), facts, call, ct);

        db.CdsInvocations.Add(new CdsInvocation
        {
            Id = Ids.New("cdsi"), TenantId = tenant, ServiceId = service.ServiceId, KnowledgeBaseId = kb.Id, Hook = service.Hook,
            HookInstance = request.HookInstance, Actor = user.Actor(), At = clock.GetUtcNow(), CardCount = cards.Count,
            Cards = JsonSerializer.Serialize(cards, CdsHooksSetup.Json),
            Notes = notes.Count + uncovered.Count == 0 ? null : Truncate(string.Join("\n", notes.Concat(uncovered.Select(u => "not covered: " + u))), 4000),
            DurationMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new CdsResponse(cards));
    }

    private static async Task<Results<Ok, ProblemHttpResult>> Feedback(
        string id, CdsFeedbackRequest request, ClaimsPrincipal user, KnowledgeDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var service = await db.CdsServices.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenant && s.ServiceId == id, ct);
        if (service is null || !user.CanReach(service.KnowledgeBaseId)) return ApiProblems.NotFound("CDS service", id);
        if (request.Feedback is not { Count: > 0 and <= 50 } items || items.Any(f => string.IsNullOrWhiteSpace(f.Card) || f.Outcome is not ("accepted" or "overridden")))
            return ApiProblems.Validation("invalid_feedback", "feedback must hold 1 to 50 entries, each with a card uuid and an outcome of accepted or overridden.");
        foreach (var f in items)
        {
            var reason = f.OverrideReason?.Reason?.Display ?? f.OverrideReason?.Reason?.Code;
            var comment = string.Join(" — ", new[] { $"CDS card {f.Card} {f.Outcome}", reason, f.OverrideReason?.UserComment }.Where(s => !string.IsNullOrWhiteSpace(s)));
            db.Feedback.Add(new AnswerFeedback
            {
                Id = Ids.New("fb"), TenantId = tenant, KnowledgeBaseId = service.KnowledgeBaseId, Rating = f.Outcome == "accepted" ? 1 : -1,
                Comment = Truncate(comment, 2000), Actor = user.Actor(), Channel = CdsJwtAuthenticationHandler.Channel, CreatedAt = f.OutcomeTimestamp ?? clock.GetUtcNow(),
            });
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok();
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
