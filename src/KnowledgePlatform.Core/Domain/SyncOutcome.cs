namespace KnowledgePlatform.Core.Domain;

public enum SyncOutcome
{
    /// <summary>Discovered, not read yet.</summary>
    Pending,
    Added,
    Updated,
    Unchanged,
    Removed,
    /// <summary>Could not be read (a server error, a refused file); its document is kept.</summary>
    Failed,
    /// <summary>Not a document (a redirect, an image, a page marked noindex).</summary>
    Skipped,
    /// <summary>No longer there (404, 410, a deleted file); removed after the grace period.</summary>
    Gone,
}
