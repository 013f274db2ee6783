using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Ingestion.Sources;

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
