namespace KnowledgePlatform.Core.Domain;

public enum InboxItemStatus
{
    Open,
    InProgress,
    Done,
    Dismissed,
}
