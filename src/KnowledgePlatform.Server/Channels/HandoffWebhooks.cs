using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;

namespace KnowledgePlatform.Server.Channels;

/// <summary>
/// Handoffs reach the tenant's (or widget key's) webhook through the outbox: the message is written with the handoff,
/// in the same transaction, and <see cref="WebhookDispatcher"/> delivers it, signed, retried until it arrives.
/// </summary>
public static class HandoffWebhooks
{
    public const string Event = "handoff.requested";

    /// <summary>Adds the handoff's webhook message to the context, to be saved together with the handoff.</summary>
    public static WebhookMessage Queue(KnowledgeDbContext db, Handoff handoff, string url)
    {
        using var transcript = JsonDocument.Parse(handoff.Transcript);
        var notification = new HandoffNotification(Event, handoff.Id, handoff.TenantId, handoff.KnowledgeBaseId, handoff.ConversationId,
            handoff.Contact, handoff.Message, transcript.RootElement.Clone(), handoff.CreatedAt);
        var message = new WebhookMessage
        {
            Id = Ids.New("msg"), TenantId = handoff.TenantId, Event = Event, SubjectId = handoff.Id, Url = url,
            Payload = JsonSerializer.Serialize(notification, JsonSerializerOptions.Web),
            Status = WebhookMessageStatus.Pending, NextAttemptAt = handoff.CreatedAt, CreatedAt = handoff.CreatedAt,
        };
        db.WebhookMessages.Add(message);
        return message;
    }
}
