using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Inbox;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api.Inbox;

/// <summary>Conversation review: the tenant's conversations per channel, filtered by feedback, abstention, handoff and date, each with its transcript.</summary>
public static class ConversationEndpoints
{
    public static RouteGroupBuilder MapConversationReview(this RouteGroupBuilder api)
    {
        var conversations = api.MapGroup("/conversations").WithTags("Conversations").RequireAuthorization(ApiScopes.Ingest);
        conversations.MapGet("/", List).WithSummary("Conversations, latest first; filter by channel, knowledge base, feedback (up, down), abstained, handed off and date");
        conversations.MapGet("/{id}", Get).WithSummary("A conversation's full transcript with citations, its feedback and handoffs");
        return api;
    }

    private static async Task<Results<Ok<List<ConversationSummaryDto>>, ProblemHttpResult>> List(ClaimsPrincipal user, KnowledgeDbContext db, string? channel, string? kb,
        string? feedback, bool? abstained, bool? handedOff, DateTimeOffset? from, DateTimeOffset? to, int? limit, CancellationToken ct)
    {
        if (feedback is not (null or "" or "up" or "down")) return ApiProblems.Validation("invalid_filter", "feedback is up or down.");
        var tenant = user.TenantId();
        var query = db.Conversations.AsNoTracking().Where(c => c.TenantId == tenant);
        if (!string.IsNullOrEmpty(channel)) query = query.Where(c => c.Channel == channel);
        if (!string.IsNullOrEmpty(kb) && await db.FindKnowledgeBaseAsync(user, kb, ct) is { } found) query = query.Where(c => c.KnowledgeBaseId == found.Id);
        else if (!string.IsNullOrEmpty(kb)) return TypedResults.Ok(new List<ConversationSummaryDto>());
        if (from is { } f) query = query.Where(c => c.UpdatedAt >= f);
        if (to is { } t) query = query.Where(c => c.CreatedAt <= t);
        if (abstained is { } a) query = query.Where(c => db.ConversationTurns.Any(turn => turn.ConversationId == c.Id && turn.TenantId == tenant && turn.Status != "Answered") == a);
        if (handedOff is { } h) query = query.Where(c => db.Handoffs.Any(x => x.ConversationId == c.Id && x.TenantId == tenant) == h);
        if (feedback is "up" or "down")
        {
            var rating = feedback == "up" ? 1 : -1;
            query = query.Where(c => db.Feedback.Any(x => x.ConversationId == c.Id && x.TenantId == tenant && x.Rating == rating));
        }
        var rows = (await query.OrderByDescending(c => c.UpdatedAt).Take(Math.Clamp(limit ?? 100, 1, 500)).ToListAsync(ct))
            .Where(c => user.CanReach(c.KnowledgeBaseId)).ToList();
        return TypedResults.Ok(await SummariesAsync(db, tenant, rows, ct));
    }

    private static async Task<List<ConversationSummaryDto>> SummariesAsync(KnowledgeDbContext db, string tenant, List<Conversation> rows, CancellationToken ct)
    {
        var ids = rows.Select(c => c.Id).ToList();
        var turns = await db.ConversationTurns.AsNoTracking().Where(t => t.TenantId == tenant && ids.Contains(t.ConversationId))
            .Select(t => new { t.ConversationId, t.Ordinal, t.Question, t.Status }).ToListAsync(ct);
        var ratings = await db.Feedback.AsNoTracking().Where(f => f.TenantId == tenant && f.ConversationId != null && ids.Contains(f.ConversationId))
            .Select(f => new { f.ConversationId, f.Rating }).ToListAsync(ct);
        var handedOff = (await db.Handoffs.AsNoTracking().Where(h => h.TenantId == tenant && h.ConversationId != null && ids.Contains(h.ConversationId))
            .Select(h => h.ConversationId!).ToListAsync(ct)).ToHashSet();
        var kbIds = rows.Select(c => c.KnowledgeBaseId).Distinct().ToList();
        var kbs = await db.KnowledgeBases.AsNoTracking().Where(k => k.TenantId == tenant && kbIds.Contains(k.Id)).ToDictionaryAsync(k => k.Id, k => k.Name, ct);
        return rows.Select(c =>
        {
            var own = turns.Where(t => t.ConversationId == c.Id).OrderBy(t => t.Ordinal).ToList();
            var rated = ratings.Where(r => r.ConversationId == c.Id).ToList();
            return new ConversationSummaryDto(c.Id, c.KnowledgeBaseId, kbs.GetValueOrDefault(c.KnowledgeBaseId), c.Channel, c.CreatedAt, c.UpdatedAt, own.Count,
                own.FirstOrDefault()?.Question, own.Count(t => t.Status != "Answered"), rated.Count(r => r.Rating > 0), rated.Count(r => r.Rating < 0), handedOff.Contains(c.Id));
        }).ToList();
    }

    private static async Task<Results<Ok<ConversationDetailDto>, ProblemHttpResult>> Get(string id, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.TenantId == tenant, ct);
        if (conversation is null || !user.CanReach(conversation.KnowledgeBaseId)) return ApiProblems.NotFound("conversation", id);
        var summary = (await SummariesAsync(db, tenant, [conversation], ct))[0];
        var transcript = await ConversationReview.TurnsAsync(db, tenant, conversation.Id, null, ct);
        var feedback = await db.Feedback.AsNoTracking().Where(f => f.ConversationId == conversation.Id && f.TenantId == tenant).OrderBy(f => f.CreatedAt)
            .Select(f => new InboxFeedbackDto(f.Rating > 0 ? "up" : "down", f.Comment, f.CreatedAt)).ToListAsync(ct);
        var handoffs = await db.Handoffs.AsNoTracking().Where(h => h.ConversationId == conversation.Id && h.TenantId == tenant).OrderBy(h => h.CreatedAt)
            .Select(h => new InboxHandoffDto(h.Contact, h.Message, h.Webhook, h.WebhookResult, null, null)).ToListAsync(ct);
        return TypedResults.Ok(new ConversationDetailDto(summary, transcript, feedback, handoffs));
    }
}
