using System.ComponentModel;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Api.Channels;

public sealed record FeedbackRequest(
    [property: Description("up (helpful) or down (not helpful).")] string Rating,
    [property: Description("The conversation the answer belongs to.")] string? ConversationId = null,
    [property: Description("Optional, up to 2000 characters; redacted by the tenant's policy.")] string? Comment = null);

public sealed record FeedbackDto(string Id, string Rating, string? ConversationId, string? KnowledgeBaseId, string? Comment, string Channel, DateTimeOffset CreatedAt)
{
    public static FeedbackDto From(AnswerFeedback f) =>
        new(f.Id, f.Rating > 0 ? "up" : "down", f.ConversationId, f.KnowledgeBaseId, f.Comment, f.Channel, f.CreatedAt);
}

public sealed record HandoffRequest(
    [property: Description("The conversation to hand over; its turns are read from the server, not from the request.")] string? ConversationId = null,
    [property: Description("How the visitor wants to be reached (optional, up to 200 characters).")] string? Contact = null,
    [property: Description("What the visitor wants to tell the person (optional, up to 2000 characters).")] string? Message = null);

public sealed record HandoffDto(string Id, string? ConversationId, string? KnowledgeBaseId, string? Contact, string? Message, JsonElement Transcript,
    WebhookDelivery Webhook, string? WebhookResult, DateTimeOffset CreatedAt)
{
    public static HandoffDto From(Handoff h)
    {
        using var transcript = JsonDocument.Parse(h.Transcript);
        return new(h.Id, h.ConversationId, h.KnowledgeBaseId, h.Contact, h.Message, transcript.RootElement.Clone(), h.Webhook, h.WebhookResult, h.CreatedAt);
    }
}

/// <summary>One turn of a handed-over conversation.</summary>
public sealed record TranscriptTurn(string Question, string Answer, string Status, DateTimeOffset At);

/// <summary>What the widget shows: the key's settings over the tenant's, and the knowledge base it asks.</summary>
public sealed record WidgetConfigDto(string? KnowledgeBase, string? Title, string? Greeting, string? PrimaryColor, string? Position, string? Language, bool HandoffAvailable);

public sealed record WidgetSettingsRequest(
    [property: Description("A widget key's id for settings of that key only; omitted: the tenant's defaults.")] string? ApiKeyId = null,
    string? Title = null,
    string? Greeting = null,
    [property: Description("A CSS colour: #rgb, #rrggbb or #rrggbbaa.")] string? PrimaryColor = null,
    [property: Description("bottom-right or bottom-left.")] string? Position = null,
    [property: Description("en, de, fr, nl or es.")] string? Language = null,
    [property: Description("https URL that receives each handoff as a signed JSON POST, retried until it answers 2xx (docs/security.md#webhook-signatures).")] string? HandoffWebhookUrl = null);

public sealed record WidgetSettingsDto(string Id, string? ApiKeyId, string? Title, string? Greeting, string? PrimaryColor, string? Position, string? Language, string? HandoffWebhookUrl)
{
    public static WidgetSettingsDto From(WidgetSettings w) => new(w.Id, w.ApiKeyId, w.Title, w.Greeting, w.PrimaryColor, w.Position, w.Language, w.HandoffWebhookUrl);
}
