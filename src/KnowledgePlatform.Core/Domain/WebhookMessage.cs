namespace KnowledgePlatform.Core.Domain;

/// <summary>
/// One event for one webhook, kept in the metadata database until it is delivered (the outbox, decision 0092). It is
/// written in the same transaction as what it announces, so a restart loses nothing; its id is sent as webhook-id, the
/// receiver's idempotency key, and its body is fixed when it is written, so every attempt sends the same bytes.
/// </summary>
public sealed class WebhookMessage
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    /// <summary>What happened, e.g. handoff.requested.</summary>
    public required string Event { get; init; }
    /// <summary>The id of what the event is about (the handoff).</summary>
    public string? SubjectId { get; init; }
    public required string Url { get; init; }
    /// <summary>The JSON body every attempt sends.</summary>
    public required string Payload { get; init; }
    public WebhookMessageStatus Status { get; set; }
    /// <summary>HTTP attempts made so far (retries inside one round included).</summary>
    public int Attempts { get; set; }
    /// <summary>Rounds of attempts made so far; the next round waits longer (exponential backoff with jitter).</summary>
    public int Rounds { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    /// <summary>The receiver's HTTP status of the last attempt, or why it could not be reached (timeout, unreachable).</summary>
    public string? LastResult { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    /// <summary>The server process delivering it now; others skip it until the lease ends.</summary>
    public string? LeasedBy { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
