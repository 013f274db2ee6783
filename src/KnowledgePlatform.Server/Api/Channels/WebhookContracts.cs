using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Api.Channels;

/// <summary>The tenant's webhook signing secret (scheme: Standard Webhooks, v1 = HMAC-SHA256).</summary>
public sealed record WebhookSecretDto(string Secret, DateTimeOffset CreatedAt, string IdHeader, string TimestampHeader, string SignatureHeader);

/// <summary>One webhook message of the outbox and where its delivery stands.</summary>
public sealed record WebhookMessageDto(
    string Id, string Event, string? SubjectId, string Url, WebhookMessageStatus Status, int Attempts, int Rounds,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? LastAttemptAt, string? LastResult, DateTimeOffset? DeliveredAt, DateTimeOffset CreatedAt)
{
    public static WebhookMessageDto From(WebhookMessage m) => new(m.Id, m.Event, m.SubjectId, m.Url, m.Status, m.Attempts, m.Rounds,
        m.Status == WebhookMessageStatus.Pending ? m.NextAttemptAt : null, m.LastAttemptAt, m.LastResult, m.DeliveredAt, m.CreatedAt);
}
