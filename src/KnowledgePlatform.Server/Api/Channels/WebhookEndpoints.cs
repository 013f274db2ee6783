using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Channels;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api.Channels;

/// <summary>Webhook administration: the signing secret, and the delivery status of every message (decision 0092).</summary>
public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Widget channel").RequireAuthorization(ApiScopes.Admin);
        webhooks.MapGet("/signing-secret", Secret).WithSummary("The tenant's webhook signing secret and the headers that carry the signature");
        webhooks.MapPost("/signing-secret/rotate", Rotate).WithSummary("Replace the signing secret; messages sent from now on use the new one");
        webhooks.MapGet("/messages", Messages).WithSummary("Webhook messages, newest first, with status, attempts, last result and next attempt");
        webhooks.MapPost("/messages/{id}/retry", Retry).WithSummary("Send a failed message again now (a new round of attempts)");
        return api;
    }

    private static WebhookSecretDto Dto((string Secret, DateTimeOffset CreatedAt) s) =>
        new(s.Secret, s.CreatedAt, WebhookSignature.IdHeader, WebhookSignature.TimestampHeader, WebhookSignature.SignatureHeader);

    private static async Task<Ok<WebhookSecretDto>> Secret(ClaimsPrincipal user, WebhookSecrets secrets, AuditLog audit, CancellationToken ct)
    {
        var secret = await secrets.GetOrCreateAsync(user.TenantId(), ct);
        await audit.RecordAsync(user, "webhook.secret.read", user.TenantId(), null, ct);
        return TypedResults.Ok(Dto(secret));
    }

    private static async Task<Ok<WebhookSecretDto>> Rotate(ClaimsPrincipal user, WebhookSecrets secrets, AuditLog audit, CancellationToken ct)
    {
        var secret = await secrets.RotateAsync(user.TenantId(), ct);
        await audit.RecordAsync(user, "webhook.secret.rotated", user.TenantId(), null, ct);
        return TypedResults.Ok(Dto(secret));
    }

    private static async Task<Ok<List<WebhookMessageDto>>> Messages(ClaimsPrincipal user, KnowledgeDbContext db, WebhookMessageStatus? status, int? limit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var rows = await db.WebhookMessages.AsNoTracking().Where(m => m.TenantId == tenant && (status == null || m.Status == status))
            .OrderByDescending(m => m.CreatedAt).Take(Math.Clamp(limit ?? 100, 1, 500)).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(WebhookMessageDto.From).ToList());
    }

    private static async Task<Results<Ok<WebhookMessageDto>, ProblemHttpResult>> Retry(
        string id, ClaimsPrincipal user, KnowledgeDbContext db, WebhookDispatcher dispatcher, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var message = await db.WebhookMessages.FirstOrDefaultAsync(m => m.Id == id && m.TenantId == tenant, ct);
        if (message is null) return ApiProblems.NotFound("webhook message", id);
        if (message.Status == WebhookMessageStatus.Delivered)
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "already_delivered", "This message was delivered; it is not sent again.");
        (message.Status, message.Rounds, message.NextAttemptAt) = (WebhookMessageStatus.Pending, 0, clock.GetUtcNow());
        if (message.Event == HandoffWebhooks.Event)
            await db.Handoffs.Where(h => h.Id == message.SubjectId && h.TenantId == tenant)
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.Webhook, WebhookDelivery.Pending), ct);
        await db.SaveChangesAsync(ct);
        dispatcher.Notify();
        await audit.RecordAsync(user, "webhook.retry", message.Id, null, ct);
        return TypedResults.Ok(WebhookMessageDto.From(message));
    }
}
