using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Extraction;

namespace KnowledgePlatform.Ingestion.Sources;

/// <summary>Reads one kind of source; a session holds what one sync needs throughout (robots.txt, the polite pace).</summary>
public interface ISourceReader
{
    SourceKind Kind { get; }

    /// <summary>Opens a session for one sync; <see cref="SourceUnavailableException"/> when the source cannot be read at all.</summary>
    Task<ISourceSession> OpenAsync(Source source, CancellationToken cancellationToken);
}

/// <summary>One sync's view of its source.</summary>
public interface ISourceSession : IAsyncDisposable
{
    /// <summary>The most entries one sync may hold (a web source's page limit).</summary>
    int Limit { get; }

    /// <summary>Why an item the sync did not find is taken to have vanished.</summary>
    string VanishedReason { get; }

    /// <summary>The keys a sync starts from: the start URL or a sitemap's pages, or every file of the folder.</summary>
    Task<IReadOnlyList<FrontierEntry>> SeedAsync(CancellationToken cancellationToken);

    /// <summary>Reads one item; <paramref name="known"/> (what the source last held there) allows a conditional read.</summary>
    Task<ItemRead> ReadAsync(SyncEntry entry, SourceItem? known, CancellationToken cancellationToken);

    /// <summary>The name of the item's document, as curators and citations show it (a URL, folder/path).</summary>
    string DocumentName(string key);
}

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

/// <summary>The source cannot be read at all (no such folder, robots.txt disallows the start); the sync fails and removes nothing.</summary>
public sealed class SourceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
