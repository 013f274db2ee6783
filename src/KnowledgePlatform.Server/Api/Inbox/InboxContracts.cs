using System.ComponentModel;
using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Api.Inbox;

public sealed record InboxItemDto(
    string Id, InboxItemKind Kind, InboxItemStatus Status, string? AssigneeId, string? Assignee, string? KnowledgeBaseId, string? KnowledgeBase,
    string Question, IReadOnlyList<string> Examples, int Count, bool OffTopic, string? Channel, string? ConversationId, string? SourceId,
    string? ResolutionDocumentId, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt)
{
    /// <summary>A handoff's webhook delivery.</summary>
    public WebhookDelivery? Delivery { get; init; }
}

/// <summary>One turn of a conversation as a curator reviews it; citations as the answer gave them.</summary>
public sealed record ReviewTurnDto(int Ordinal, string Question, string Answer, string Status, IReadOnlyList<ReviewCitation> Citations, DateTimeOffset At);

/// <summary>A citation of an answer, as stored with its turn.</summary>
public sealed record ReviewCitation(int Number, string DocumentId, string ChunkId, string DocumentTitle, string FileName, string Location, int? Page, string Quote);

/// <summary>What a curator needs to act on an item: the conversation up to the turn, the feedback or the handoff.</summary>
public sealed record InboxItemDetailDto(InboxItemDto Item, IReadOnlyList<ReviewTurnDto> Transcript, InboxFeedbackDto? Feedback, InboxHandoffDto? Handoff);

public sealed record InboxFeedbackDto(string Rating, string? Comment, DateTimeOffset At);

public sealed record InboxHandoffDto(string? Contact, string? Message, WebhookDelivery Webhook, string? WebhookResult, string? WebhookMessageId, WebhookMessageStatus? WebhookStatus);

public sealed record InboxUpdateRequest(
    [property: Description("open, in_progress, done or dismissed.")] InboxItemStatus? Status = null,
    [property: Description("A portal user of the tenant; \"\" unassigns.")] string? AssigneeId = null,
    [property: Description("Whether the question is off-topic for the knowledge base.")] bool? OffTopic = null,
    [property: Description("The document (a Q&A pair) that resolved the item.")] string? ResolutionDocumentId = null);
