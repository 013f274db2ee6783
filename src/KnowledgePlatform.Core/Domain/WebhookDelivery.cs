namespace KnowledgePlatform.Core.Domain;

public enum WebhookDelivery
{
    /// <summary>No webhook is configured for the tenant or key.</summary>
    NotConfigured,
    Pending,
    Delivered,
    Failed,
}
