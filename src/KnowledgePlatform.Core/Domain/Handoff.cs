namespace KnowledgePlatform.Core.Domain;

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
