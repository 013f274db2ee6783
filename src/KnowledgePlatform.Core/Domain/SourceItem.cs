namespace KnowledgePlatform.Core.Domain;

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
