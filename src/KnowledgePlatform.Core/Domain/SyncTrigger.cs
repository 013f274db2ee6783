namespace KnowledgePlatform.Core.Domain;

public enum SyncTrigger
{
    Manual,
    Schedule,
    /// <summary>A watched folder changed.</summary>
    Change,
}
