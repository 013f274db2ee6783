using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Extraction;

namespace KnowledgePlatform.Ingestion.Sources;

/// <summary>What reading an item gave, with the keys it leads to.</summary>
public abstract record ItemRead(IReadOnlyList<FrontierEntry> Links)
{
    /// <summary>The server or the file system says the item did not change since it was last read.</summary>
    public sealed record NotModified(IReadOnlyList<FrontierEntry> Links) : ItemRead(Links);

    /// <summary>The item's content (owned by the reader of this record), its format, and how to ask next time whether it changed.</summary>
    public sealed record Content(Stream Body, FileFormat Format, string? ETag, string? LastModified, IReadOnlyList<FrontierEntry> Links) : ItemRead(Links);

    /// <summary>The item is no longer there; its document goes after the grace period.</summary>
    public sealed record Gone(string Reason) : ItemRead([]);

    /// <summary>The item could not be read this time; its document stays.</summary>
    public sealed record Failed(string Reason) : ItemRead([]);

    /// <summary>The item is not a document (a redirect, an image, a page that asks not to be indexed).</summary>
    public sealed record Skipped(string Reason, IReadOnlyList<FrontierEntry> Links) : ItemRead(Links);
}
