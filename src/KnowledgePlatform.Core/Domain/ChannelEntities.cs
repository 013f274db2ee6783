namespace KnowledgePlatform.Core.Domain;

// The outside channels (chat widget, clinical API): feedback, human handoffs, widget settings and
// idempotent replays. Kept apart from Entities.cs so the channel model reads as one piece.

/// <summary>A visitor's thumbs up or down on an answer, with an optional comment.</summary>
public sealed class AnswerFeedback
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public string? ConversationId { get; init; }
    public string? KnowledgeBaseId { get; init; }
    /// <summary>+1 (helpful) or -1 (not helpful).</summary>
    public required int Rating { get; init; }
    public string? Comment { get; init; }
    /// <summary>The key that sent it.</summary>
    public required string Actor { get; init; }
    public required string Channel { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}

public enum WebhookDelivery
{
    /// <summary>No webhook is configured for the tenant or key.</summary>
    NotConfigured,
    Pending,
    Delivered,
    Failed,
}

/// <summary>A visitor's request to talk to a person: the conversation so far, recorded for the tenant.</summary>
public sealed class Handoff
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public string? ConversationId { get; init; }
    public string? KnowledgeBaseId { get; init; }
    /// <summary>How to reach the visitor, as they gave it (optional).</summary>
    public string? Contact { get; init; }
    public string? Message { get; init; }
    /// <summary>The conversation's turns as JSON (question, answer, status), read from the server's store.</summary>
    public required string Transcript { get; init; }
    public required string Actor { get; init; }
    public required string Channel { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public WebhookDelivery Webhook { get; set; }
    /// <summary>The webhook's HTTP status, or the reason it could not be reached.</summary>
    public string? WebhookResult { get; set; }
}

/// <summary>
/// How the chat widget looks and where handoffs go: one row per tenant (ApiKeyId null) and optionally
/// one per widget key, whose non-null fields win over the tenant's.
/// </summary>
public sealed class WidgetSettings
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public string? ApiKeyId { get; init; }
    public string? Title { get; set; }
    public string? Greeting { get; set; }
    /// <summary>CSS colour of the launcher, header and the visitor's messages.</summary>
    public string? PrimaryColor { get; set; }
    /// <summary>bottom-right or bottom-left.</summary>
    public string? Position { get; set; }
    /// <summary>BCP 47 language tag of the widget's own texts (en, de, fr, nl, es).</summary>
    public string? Language { get; set; }
    /// <summary>Receives a POST with the handoff as JSON; never shown to the widget.</summary>
    public string? HandoffWebhookUrl { get; set; }
}

/// <summary>A stored response to a write sent with an Idempotency-Key, replayed when the same key comes again.</summary>
public sealed class IdempotencyRecord
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Key { get; init; }
    /// <summary>SHA-256 of method, path and body: the same key with another request is refused.</summary>
    public required string RequestHash { get; init; }
    /// <summary>0 while the first request is still running.</summary>
    public int StatusCode { get; set; }
    public string? ContentType { get; set; }
    public byte[]? Body { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public required DateTimeOffset ExpiresAt { get; init; }
}
