namespace KnowledgePlatform.Core.Domain;

/// <summary>A tenant's webhook signing secret, protected with the platform's Data Protection keys.</summary>
public sealed class WebhookSigningSecret
{
    public required string TenantId { get; init; }
    public required string ProtectedSecret { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
