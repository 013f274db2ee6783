namespace KnowledgePlatform.Core.Domain;

public enum DocumentStatus
{
    Queued,
    Processing,
    Ready,
    Failed,
}
