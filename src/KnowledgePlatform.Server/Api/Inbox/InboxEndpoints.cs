using System.Security.Claims;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api.Channels;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Inbox;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api.Inbox;

/// <summary>The tenant's inbox: unanswered questions grouped by meaning, "not helpful" answers and handoffs, each with a status and an assignee.</summary>
public static class InboxEndpoints
{
    public static RouteGroupBuilder MapInbox(this RouteGroupBuilder api)
    {
        var inbox = api.MapGroup("/inbox").WithTags("Inbox").RequireAuthorization(ApiScopes.Ingest);
        inbox.MapGet("/", List).WithSummary("The inbox, latest first; filter by kind, status, off-topic and assignee");
        inbox.MapGet("/{id}", Get).WithSummary("An item with its conversation (question, answer, citations), its feedback or its handoff");
        inbox.MapPatch("/{id}", Update).WithSummary("Set an item's status, assignee, off-topic mark or the Q&A document that resolved it");
        return api;
    }

    /// <summary>An enum value as the API writes it (snake_case: in_progress) or as C# names it.</summary>
    private static bool TryParse<T>(string? value, out T? parsed) where T : struct, Enum
    {
        parsed = null;
        if (string.IsNullOrEmpty(value)) return true;
        if (!Enum.TryParse<T>(value.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var v) || !Enum.IsDefined(v)) return false;
        parsed = v;
        return true;
    }

    private static async Task<Results<Ok<List<InboxItemDto>>, ProblemHttpResult>> List(ClaimsPrincipal user, KnowledgeDbContext db, string? kind, string? status,
        bool? offTopic, string? assignee, int? limit, CancellationToken ct)
    {
        if (!TryParse<InboxItemKind>(kind, out var k) || !TryParse<InboxItemStatus>(status, out var s))
            return ApiProblems.Validation("invalid_filter", "kind is unanswered, feedback or handoff; status is open, in_progress, done or dismissed.");
        var tenant = user.TenantId();
        var query = db.InboxItems.AsNoTracking().Where(i => i.TenantId == tenant);
        if (k is { } byKind) query = query.Where(i => i.Kind == byKind);
        if (s is { } byStatus) query = query.Where(i => i.Status == byStatus);
        if (offTopic is { } o) query = query.Where(i => i.OffTopic == o);
        if (assignee is { Length: > 0 }) query = query.Where(i => i.AssigneeId == assignee);
        var items = (await query.OrderByDescending(i => i.LastSeenAt).Take(Math.Clamp(limit ?? 200, 1, 500)).ToListAsync(ct))
            .Where(i => i.KnowledgeBaseId is null || user.CanReach(i.KnowledgeBaseId)).ToList();
        return TypedResults.Ok(await ToDtosAsync(db, tenant, items, ct));
    }

    private static async Task<List<InboxItemDto>> ToDtosAsync(KnowledgeDbContext db, string tenant, List<InboxItem> items, CancellationToken ct)
    {
        var kbIds = items.Select(i => i.KnowledgeBaseId).OfType<string>().Distinct().ToList();
        var kbs = await db.KnowledgeBases.AsNoTracking().Where(k => k.TenantId == tenant && kbIds.Contains(k.Id)).ToDictionaryAsync(k => k.Id, k => k.Name, ct);
        var userIds = items.Select(i => i.AssigneeId).OfType<string>().Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => u.TenantId == tenant && userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName ?? u.Email ?? u.Id, ct);
        var handoffIds = items.Where(i => i.Kind == InboxItemKind.Handoff).Select(i => i.SourceId).OfType<string>().ToList();
        var deliveries = await db.Handoffs.AsNoTracking().Where(h => h.TenantId == tenant && handoffIds.Contains(h.Id)).ToDictionaryAsync(h => h.Id, h => h.Webhook, ct);
        return items.Select(i => new InboxItemDto(i.Id, i.Kind, i.Status, i.AssigneeId, i.AssigneeId is null ? null : users.GetValueOrDefault(i.AssigneeId),
            i.KnowledgeBaseId, i.KnowledgeBaseId is null ? null : kbs.GetValueOrDefault(i.KnowledgeBaseId), i.Question, i.Examples, i.Count, i.OffTopic,
            i.Channel, i.ConversationId, i.SourceId, i.ResolutionDocumentId, i.CreatedAt, i.LastSeenAt)
        {
            Delivery = i.SourceId is not null && deliveries.TryGetValue(i.SourceId, out var d) ? d : null,
        }).ToList();
    }

    private static async Task<InboxItem?> FindAsync(KnowledgeDbContext db, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var item = await db.InboxItems.FirstOrDefaultAsync(i => i.Id == id && i.TenantId == tenant, ct);
        return item is not null && (item.KnowledgeBaseId is null || user.CanReach(item.KnowledgeBaseId)) ? item : null;
    }

    private static async Task<Results<Ok<InboxItemDetailDto>, ProblemHttpResult>> Get(string id, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var item = await FindAsync(db, user, id, ct);
        if (item is null) return ApiProblems.NotFound("inbox item", id);
        var tenant = item.TenantId;
        var dto = (await ToDtosAsync(db, tenant, [item], ct))[0];
        var transcript = await ConversationReview.TurnsAsync(db, tenant, item.ConversationId, item.TurnOrdinal, ct);
        InboxFeedbackDto? feedback = null;
        InboxHandoffDto? handoff = null;
        if (item.Kind == InboxItemKind.Feedback && await db.Feedback.AsNoTracking().FirstOrDefaultAsync(f => f.Id == item.SourceId && f.TenantId == tenant, ct) is { } f)
            feedback = new InboxFeedbackDto(f.Rating > 0 ? "up" : "down", f.Comment, f.CreatedAt);
        if (item.Kind == InboxItemKind.Handoff && await db.Handoffs.AsNoTracking().FirstOrDefaultAsync(h => h.Id == item.SourceId && h.TenantId == tenant, ct) is { } h)
        {
            var message = await db.WebhookMessages.AsNoTracking().Where(m => m.SubjectId == h.Id && m.TenantId == tenant).OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync(ct);
            handoff = new InboxHandoffDto(h.Contact, h.Message, h.Webhook, message?.LastResult ?? h.WebhookResult, message?.Id, message?.Status);
            // The conversation may be gone (retention) or there was none: the handoff keeps its own copy of the turns.
            if (transcript.Count == 0)
                transcript = JsonSerializer.Deserialize<List<TranscriptTurn>>(h.Transcript, JsonSerializerOptions.Web)!
                    .Select((t, n) => new ReviewTurnDto(n + 1, t.Question, t.Answer, t.Status, [], t.At)).ToList();
        }
        return TypedResults.Ok(new InboxItemDetailDto(dto, transcript, feedback, handoff));
    }

    private static async Task<Results<Ok<InboxItemDto>, ProblemHttpResult>> Update(
        string id, InboxUpdateRequest request, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var item = await FindAsync(db, user, id, ct);
        if (item is null) return ApiProblems.NotFound("inbox item", id);
        var tenant = item.TenantId;
        if (request.AssigneeId is { Length: > 0 } assignee && !await db.Users.AnyAsync(u => u.Id == assignee && u.TenantId == tenant, ct))
            return ApiProblems.Validation("unknown_assignee", "The assignee is not a portal user of this tenant.");
        if (request.ResolutionDocumentId is { } doc && !await db.Documents.AnyAsync(d => d.Id == doc && d.TenantId == tenant, ct))
            return ApiProblems.NotFound("document", doc);
        if (request.Status is { } status) item.Status = status;
        if (request.AssigneeId is { } a) item.AssigneeId = a.Length == 0 ? null : a;
        if (request.OffTopic is { } offTopic) item.OffTopic = offTopic;
        if (request.ResolutionDocumentId is { } resolved) item.ResolutionDocumentId = resolved;
        item.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "inbox.update", item.Id, new { item.Kind, request.Status, request.AssigneeId, request.OffTopic, request.ResolutionDocumentId }, ct);
        return TypedResults.Ok((await ToDtosAsync(db, tenant, [item], ct))[0]);
    }
}
