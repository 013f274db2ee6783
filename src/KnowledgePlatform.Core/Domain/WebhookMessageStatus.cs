namespace KnowledgePlatform.Core.Domain;

public enum WebhookMessageStatus
{
    /// <summary>Waiting for its next attempt (the first one, or a retry after a failure).</summary>
    Pending,
    Delivered,
    /// <summary>Every attempt failed, or the receiver answered 410 Gone: an admin may send it again.</summary>
    Failed,
}
