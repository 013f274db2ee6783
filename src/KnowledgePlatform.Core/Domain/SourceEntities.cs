namespace KnowledgePlatform.Core.Domain;

// Sources keep a knowledge base in step with a place its documents live (decision 0080): a web site or a folder.
// These records belong together: a source, what it last held, and its sync runs with their entries.

public enum SourceKind
{
    /// <summary>Pages of one web site under a path prefix, from a start page or a sitemap.xml.</summary>
    Web,

    /// <summary>Files in a folder on the server (or a share mounted there).</summary>
    Folder,
}

/// <summary>A place a knowledge base's documents come from and are kept in sync with.</summary>
public sealed class Source
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    public required string Name { get; set; }
    public required SourceKind Kind { get; init; }
    /// <summary>The settings of a web source; null for other kinds.</summary>
    public WebSourceSettings? Web { get; set; }
    /// <summary>The settings of a folder source; null for other kinds.</summary>
    public FolderSourceSettings? Folder { get; set; }
    /// <summary>How often the source syncs on its own; null: only when asked (and, for a watched folder, when it changes).</summary>
    public TimeSpan? Interval { get; set; }
    /// <summary>How long an item that vanished from the source keeps its document before it is removed.</summary>
    public TimeSpan RemovalGrace { get; set; }
    /// <summary>Access groups given to the source's documents (decision 0040); empty: the whole tenant sees them.</summary>
    public List<string> Groups { get; set; } = [];
    /// <summary>A paused source neither syncs on schedule nor on change; a running sync stops at the next item.</summary>
    public bool Paused { get; set; }
    /// <summary>When the schedule queues the next sync.</summary>
    public DateTimeOffset? NextSyncAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>What a web source reads: the pages under <see cref="PathPrefix"/> on the start URL's host.</summary>
public sealed record WebSourceSettings
{
    /// <summary>The first page, or a sitemap (a URL whose path ends in .xml) listing the pages.</summary>
    public required string StartUrl { get; init; }
    /// <summary>Only URLs whose path starts with this are fetched; by default the start URL's folder.</summary>
    public required string PathPrefix { get; init; }
    /// <summary>How many links away from the start URL (or a sitemap entry) pages are still followed.</summary>
    public int MaxDepth { get; init; } = 5;
    /// <summary>The most pages one sync fetches.</summary>
    public int MaxPages { get; init; } = 1000;
    /// <summary>The pause between two requests to the site (robots.txt's Crawl-delay wins when it is longer).</summary>
    public TimeSpan RequestInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>What a folder source reads: every supported file below <see cref="Path"/>, hidden files and links excepted.</summary>
public sealed record FolderSourceSettings
{
    /// <summary>An absolute path under one of the server's allowed folders (Sources:AllowedFolders).</summary>
    public required string Path { get; init; }
    /// <summary>Sync soon after a file in the folder changes, not only on schedule.</summary>
    public bool Watch { get; init; } = true;
}

/// <summary>What a source held at one key (a page's URL, a file's relative path) when it was last read, and its document.</summary>
public sealed class SourceItem
{
    public required string SourceId { get; init; }
    public required string Key { get; init; }
    public required string TenantId { get; init; }
    /// <summary>The item's document: derived from the source and the key, so it is the same on every sync.</summary>
    public required string DocumentId { get; init; }
    /// <summary>The web server's ETag, sent back as If-None-Match.</summary>
    public string? ETag { get; set; }
    /// <summary>The web server's Last-Modified (sent back as If-Modified-Since), or a file's size and write time.</summary>
    public string? LastModified { get; set; }
    /// <summary>SHA-256 of the content last submitted: equal content is not submitted again.</summary>
    public string? ContentHash { get; set; }
    /// <summary>A page's in-scope links, so a page that answers 304 Not Modified still leads to its links.</summary>
    public List<string> Links { get; set; } = [];
    /// <summary>When a sync first missed the item; its document is removed once the source's grace period has passed.</summary>
    public DateTimeOffset? MissingSince { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public enum SyncTrigger
{
    Manual,
    Schedule,
    /// <summary>A watched folder changed.</summary>
    Change,
}

public enum SyncRunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    /// <summary>Stopped because the source was paused.</summary>
    Cancelled,
}

/// <summary>
/// One sync of a source, run by a worker that holds it with a lease (decision 0006). Its entries are the
/// durable frontier while it runs, so a worker that takes over a killed one's run goes on where it stopped.
/// The counts are recomputed from the entries, never incremented, so a resumed run counts every item once.
/// </summary>
public sealed class SyncRun
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string SourceId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    public SyncTrigger Trigger { get; init; }
    public SyncRunStatus Status { get; set; } = SyncRunStatus.Queued;
    /// <summary>listing, fetching, removing: what the running sync does now.</summary>
    public string? Phase { get; set; }
    /// <summary>The frontier was seeded (start URL or sitemap, or the folder listing).</summary>
    public bool Seeded { get; set; }
    /// <summary>The page limit stopped discovery: items not reached are not taken for vanished.</summary>
    public bool LimitReached { get; set; }
    public int Attempts { get; set; }
    public string? LeasedBy { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public int Discovered { get; set; }
    public int Processed { get; set; }
    public int Added { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Removed { get; set; }
    public int Failed { get; set; }
    public int Skipped { get; set; }
    /// <summary>Why the run failed, in words a curator can act on.</summary>
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

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

/// <summary>One item of one sync run: pending while it waits, then what happened to it and why.</summary>
public sealed class SyncEntry
{
    public long Id { get; init; }
    public required string RunId { get; init; }
    public required string TenantId { get; init; }
    public required string Key { get; init; }
    /// <summary>Links away from the start URL or a sitemap entry (0 for those and for files).</summary>
    public int Depth { get; init; }
    public SyncOutcome Outcome { get; set; } = SyncOutcome.Pending;
    public string? Reason { get; set; }
    public string? DocumentId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
