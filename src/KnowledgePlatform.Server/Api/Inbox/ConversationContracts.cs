namespace KnowledgePlatform.Server.Api.Inbox;

public sealed record ConversationSummaryDto(
    string Id, string KnowledgeBaseId, string? KnowledgeBase, string? Channel, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    int Turns, string? FirstQuestion, int Abstained, int Helpful, int NotHelpful, bool HandedOff);

public sealed record ConversationDetailDto(ConversationSummaryDto Conversation, IReadOnlyList<ReviewTurnDto> Transcript, IReadOnlyList<InboxFeedbackDto> Feedback, IReadOnlyList<InboxHandoffDto> Handoffs);
