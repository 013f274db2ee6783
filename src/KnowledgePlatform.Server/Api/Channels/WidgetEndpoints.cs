using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Channels;
using KnowledgePlatform.Server.Inbox;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api.Channels;

/// <summary>What the chat widget needs besides asking: its settings, feedback, and handoff to a person; and their administration.</summary>
public static partial class WidgetEndpoints
{
    public static readonly string[] Languages = ["en", "de", "fr", "nl", "es"];

    [GeneratedRegex("^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")]
    private static partial Regex Colour();

    public static RouteGroupBuilder MapWidgetChannel(this RouteGroupBuilder api)
    {
        var widget = api.MapGroup("").WithTags("Widget");
        widget.MapGet("/widget/config", Config).RequireAuthorization(ApiScopes.Ask).WithSummary("The widget's effective settings for this key (no secrets)");
        widget.MapPost("/feedback", PostFeedback).RequireAuthorization(ApiScopes.Ask).WithSummary("Thumbs up or down on an answer, with an optional comment");
        widget.MapPost("/handoffs", PostHandoff).RequireAuthorization(ApiScopes.Ask)
            .WithSummary("Ask for a person: records the conversation for the tenant and notifies its webhook in the background");
        widget.MapGet("/feedback", ListFeedback).RequireAuthorization(ApiScopes.Admin).WithSummary("The tenant's answer feedback, newest first");
        widget.MapGet("/handoffs", ListHandoffs).RequireAuthorization(ApiScopes.Admin).WithSummary("The tenant's handoffs with their transcripts and webhook outcome, newest first");
        widget.MapGet("/widget-settings", ListSettings).RequireAuthorization(ApiScopes.Admin).WithSummary("The tenant's widget settings: defaults and per key");
        widget.MapPut("/widget-settings", PutSettings).RequireAuthorization(ApiScopes.Admin).WithSummary("Set the widget's look and handoff webhook, for the tenant or one widget key");
        return api;
    }

    private static async Task<Ok<WidgetConfigDto>> Config(ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var (settings, _) = await EffectiveAsync(user, db, ct);
        var kbId = user.FindFirst(ApiKeyAuthenticationHandler.KnowledgeBaseClaim)?.Value;
        var tenant = user.TenantId();
        var kbName = kbId is null ? null : await db.KnowledgeBases.Where(k => k.Id == kbId && k.TenantId == tenant).Select(k => k.Name).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(settings with { KnowledgeBase = kbName });
    }

    /// <summary>The key's settings over the tenant's defaults, and the webhook that applies.</summary>
    private static async Task<(WidgetConfigDto Config, string? Webhook)> EffectiveAsync(ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var key = user.Actor();
        var rows = await db.WidgetSettings.AsNoTracking().Where(w => w.TenantId == tenant && (w.ApiKeyId == null || w.ApiKeyId == key)).ToListAsync(ct);
        var own = rows.FirstOrDefault(w => w.ApiKeyId == key);
        var defaults = rows.FirstOrDefault(w => w.ApiKeyId == null);
        string? Pick(Func<WidgetSettings, string?> field) => (own is null ? null : field(own)) ?? (defaults is null ? null : field(defaults));
        var webhook = Pick(w => w.HandoffWebhookUrl);
        return (new WidgetConfigDto(null, Pick(w => w.Title), Pick(w => w.Greeting), Pick(w => w.PrimaryColor), Pick(w => w.Position), Pick(w => w.Language), true), webhook);
    }

    /// <summary>The tenant's policy, tightened by the conversation's knowledge base's own overrides when there is a conversation.</summary>
    private static async Task<SecurityPolicy> PolicyOfAsync(KnowledgeDbContext db, string tenant, Conversation? conversation, CancellationToken ct)
    {
        var kbs = conversation is null ? [] : await db.KnowledgeBases.AsNoTracking().Where(k => k.Id == conversation.KnowledgeBaseId).ToListAsync(ct);
        return await db.PolicyOfAsync(tenant, kbs, ct);
    }

    private static async Task<Conversation?> FindConversationAsync(ClaimsPrincipal user, KnowledgeDbContext db, string id, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.TenantId == tenant, ct);
        return conversation is not null && user.CanReach(conversation.KnowledgeBaseId) ? conversation : null;
    }

    private static async Task<Results<Created<FeedbackDto>, ProblemHttpResult>> PostFeedback(
        FeedbackRequest request, ClaimsPrincipal user, KnowledgeDbContext db, PolicyEnforcer enforcer, AuditLog audit, InboxRecorder inbox, TimeProvider clock, CancellationToken ct)
    {
        var rating = request.Rating?.ToLowerInvariant() switch { "up" => 1, "down" => -1, _ => 0 };
        if (rating == 0) return ApiProblems.Validation("invalid_rating", "rating is \"up\" or \"down\".");
        if (request.Comment is { Length: > 2000 }) return ApiProblems.Validation("comment_too_long", "The comment is longer than 2000 characters.");
        Conversation? conversation = null;
        if (request.ConversationId is { } id && (conversation = await FindConversationAsync(user, db, id, ct)) is null)
            return ApiProblems.NotFound("conversation", id);

        var policy = await PolicyOfAsync(db, user.TenantId(), conversation, ct);
        var actions = new PolicyActions();
        var comment = string.IsNullOrWhiteSpace(request.Comment) ? null : enforcer.Redact(policy, request.Comment.Trim(), actions);
        var feedback = new AnswerFeedback
        {
            Id = Ids.New("fb"), TenantId = user.TenantId(), ConversationId = conversation?.Id, KnowledgeBaseId = conversation?.KnowledgeBaseId,
            Rating = rating, Comment = comment, Actor = user.Actor(), Channel = user.Channel(), CreatedAt = clock.GetUtcNow(),
        };
        db.Feedback.Add(feedback);
        // A "not helpful" is for a curator to look at: an inbox item, saved with the feedback.
        if (rating < 0) await inbox.AddFeedbackAsync(feedback, policy, ct);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "feedback", feedback.ConversationId, new { rating = request.Rating, comment, actions.Redactions }, ct);
        return TypedResults.Created("/api/v1/feedback", FeedbackDto.From(feedback));
    }

    private static async Task<Results<Accepted<HandoffDto>, ProblemHttpResult>> PostHandoff(
        HandoffRequest request, ClaimsPrincipal user, KnowledgeDbContext db, PolicyEnforcer enforcer, AuditLog audit, WebhookDispatcher webhooks,
        InboxRecorder inbox, TimeProvider clock, CancellationToken ct)
    {
        if (request.Contact is { Length: > 200 } || request.Message is { Length: > 2000 })
            return ApiProblems.Validation("handoff_too_long", "contact is at most 200 and message at most 2000 characters.");
        Conversation? conversation = null;
        if (request.ConversationId is { } id && (conversation = await FindConversationAsync(user, db, id, ct)) is null)
            return ApiProblems.NotFound("conversation", id);

        var tenant = user.TenantId();
        var turns = conversation is null ? [] : await db.ConversationTurns.AsNoTracking()
            .Where(t => t.ConversationId == conversation.Id && t.TenantId == tenant).OrderBy(t => t.Ordinal)
            .Select(t => new TranscriptTurn(t.Question, t.Answer, t.Status, t.CreatedAt)).ToListAsync(ct);
        var policy = await PolicyOfAsync(db, tenant, conversation, ct);
        var actions = new PolicyActions();
        var (_, webhook) = await EffectiveAsync(user, db, ct);
        var handoff = new Handoff
        {
            Id = Ids.New("ho"), TenantId = tenant, ConversationId = conversation?.Id, KnowledgeBaseId = conversation?.KnowledgeBaseId,
            Contact = string.IsNullOrWhiteSpace(request.Contact) ? null : request.Contact.Trim(),
            Message = string.IsNullOrWhiteSpace(request.Message) ? null : enforcer.Redact(policy, request.Message.Trim(), actions),
            Transcript = JsonSerializer.Serialize(turns, JsonSerializerOptions.Web),
            Actor = user.Actor(), Channel = user.Channel(), CreatedAt = clock.GetUtcNow(),
            Webhook = webhook is null ? WebhookDelivery.NotConfigured : WebhookDelivery.Pending,
        };
        db.Handoffs.Add(handoff);
        // Every handoff lands in the inbox, webhook or not.
        await inbox.AddHandoffAsync(handoff, ct);
        // The webhook's message goes into the outbox in the same transaction: recorded handoffs are always delivered.
        if (webhook is not null) HandoffWebhooks.Queue(db, handoff, webhook);
        await db.SaveChangesAsync(ct);
        if (webhook is not null) webhooks.Notify();
        await audit.RecordAsync(user, "handoff", handoff.ConversationId, new { handoff.Id, turns = turns.Count, webhook = handoff.Webhook }, ct);
        return TypedResults.Accepted("/api/v1/handoffs", HandoffDto.From(handoff));
    }

    private static async Task<Ok<List<FeedbackDto>>> ListFeedback(ClaimsPrincipal user, KnowledgeDbContext db, int? limit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var rows = await db.Feedback.AsNoTracking().Where(f => f.TenantId == tenant).OrderByDescending(f => f.CreatedAt).Take(Math.Clamp(limit ?? 100, 1, 500)).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(FeedbackDto.From).ToList());
    }

    private static async Task<Ok<List<HandoffDto>>> ListHandoffs(ClaimsPrincipal user, KnowledgeDbContext db, int? limit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var rows = await db.Handoffs.AsNoTracking().Where(h => h.TenantId == tenant).OrderByDescending(h => h.CreatedAt).Take(Math.Clamp(limit ?? 100, 1, 500)).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(HandoffDto.From).ToList());
    }

    private static async Task<Ok<List<WidgetSettingsDto>>> ListSettings(ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var rows = await db.WidgetSettings.AsNoTracking().Where(w => w.TenantId == tenant).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(WidgetSettingsDto.From).ToList());
    }

    private static async Task<Results<Ok<WidgetSettingsDto>, ProblemHttpResult>> PutSettings(
        WidgetSettingsRequest request, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        if (Problem(request) is { } problem) return ApiProblems.Validation("invalid_widget_settings", problem);
        var tenant = user.TenantId();
        if (request.ApiKeyId is { } keyId && !await db.ApiKeys.AnyAsync(k => k.Id == keyId && k.TenantId == tenant, ct))
            return ApiProblems.NotFound("API key", keyId);
        var row = await db.WidgetSettings.FirstOrDefaultAsync(w => w.TenantId == tenant && w.ApiKeyId == request.ApiKeyId, ct);
        if (row is null)
        {
            row = new WidgetSettings { Id = Ids.New("wgt"), TenantId = tenant, ApiKeyId = request.ApiKeyId };
            db.WidgetSettings.Add(row);
        }
        row.Title = request.Title;
        row.Greeting = request.Greeting;
        row.PrimaryColor = request.PrimaryColor;
        row.Position = request.Position;
        row.Language = request.Language;
        row.HandoffWebhookUrl = request.HandoffWebhookUrl;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "widget.settings", request.ApiKeyId ?? tenant, request with { HandoffWebhookUrl = request.HandoffWebhookUrl is null ? null : "(set)" }, ct);
        return TypedResults.Ok(WidgetSettingsDto.From(row));
    }

    private static string? Problem(WidgetSettingsRequest r) =>
        r.Title is { Length: > 80 } || r.Greeting is { Length: > 500 } ? "title is at most 80 and greeting at most 500 characters."
        : r.PrimaryColor is { } c && !Colour().IsMatch(c) ? "primaryColor is a hex colour such as #0b5cad."
        : r.Position is not (null or "bottom-right" or "bottom-left") ? "position is bottom-right or bottom-left."
        : r.Language is { } l && !Languages.Contains(l) ? $"language is one of {string.Join(", ", Languages)}."
        : r.HandoffWebhookUrl is { } u && (!Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) ? "handoffWebhookUrl is an absolute http(s) URL."
        : null;
}
