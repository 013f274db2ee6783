namespace KnowledgePlatform.Core.Domain;

public enum SyncRunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    /// <summary>Stopped because the source was paused.</summary>
    Cancelled,
}
