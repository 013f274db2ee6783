namespace KnowledgePlatform.Core.Domain;

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
