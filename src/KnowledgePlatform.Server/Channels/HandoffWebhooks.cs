using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;

namespace KnowledgePlatform.Server.Channels;

/// <summary>Configuration section "Channels:Handoff": how handoff webhooks are delivered (decision 0092).</summary>
public sealed class HandoffOptions
{
    public const string Section = "Channels:Handoff";

    /// <summary>How long one webhook call may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Quick retries inside one round (Polly: exponential backoff with jitter, from one second).</summary>
    [Range(0, 5)]
    public int RetriesPerRound { get; set; } = 2;

    /// <summary>Rounds of attempts before a message is given up as failed.</summary>
    [Range(1, 50)]
    public int Rounds { get; set; } = 10;

    /// <summary>The wait before the second round; each later round waits twice as long (with jitter), up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often each server looks for due messages that other servers queued (its own are sent at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>What a handoff webhook receives (POST, JSON).</summary>
public sealed record HandoffNotification(
    string Event, string HandoffId, string TenantId, string? KnowledgeBaseId, string? ConversationId, string? Contact, string? Message,
    JsonElement Transcript, DateTimeOffset CreatedAt);

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
