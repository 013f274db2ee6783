using System.ComponentModel;
using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Api.Sources;

// The REST contract of sources (decision 0080). Durations are JSON time spans: "06:00:00", "1.00:00:00", "00:00:00.500".

public sealed record WebSourceRequest(
    [property: Description("The first page, or a sitemap (a URL whose path ends in .xml).")] string StartUrl,
    [property: Description("Only paths starting with this are read; default: the start URL's folder.")] string? PathPrefix = null,
    [property: Description("Links followed from the start URL or a sitemap entry; default 5.")] int? MaxDepth = null,
    [property: Description("Pages one sync reads at most; default 1,000.")] int? MaxPages = null,
    [property: Description("Pause between two requests; default 00:00:00.500 (robots.txt's Crawl-delay wins when longer).")] TimeSpan? RequestInterval = null);

public sealed record FolderSourceRequest(
    [property: Description("An absolute path on the server, under one of Sources:AllowedFolders.")] string Path,
    [property: Description("Sync a few seconds after a file changes, besides the schedule; default true.")] bool? Watch = null);

public sealed record CreateSourceRequest(
    string Name,
    SourceKind Kind,
    WebSourceRequest? Web = null,
    FolderSourceRequest? Folder = null,
    [property: Description("How often it syncs on its own (at least 00:05:00); omitted: only when run now or when a watched folder changes.")] TimeSpan? Interval = null,
    [property: Description("How long a vanished item keeps its document; default 1.00:00:00 for web sources, 00:00:00 for folders.")] TimeSpan? RemovalGrace = null,
    [property: Description("Access groups given to the source's documents; empty: the whole tenant.")] IReadOnlyList<string>? Groups = null,
    [property: Description("Queue the first sync at once; default true.")] bool SyncNow = true);

/// <summary>A null field is left as it is; ClearInterval makes the source sync only when asked.</summary>
public sealed record UpdateSourceRequest(
    string? Name = null,
    WebSourceRequest? Web = null,
    FolderSourceRequest? Folder = null,
    TimeSpan? Interval = null,
    bool ClearInterval = false,
    TimeSpan? RemovalGrace = null,
    IReadOnlyList<string>? Groups = null);

public sealed record SyncRunDto(
    string Id, string SourceId, SyncTrigger Trigger, SyncRunStatus Status, string? Phase,
    int Discovered, int Processed, int Added, int Updated, int Unchanged, int Removed, int Failed, int Skipped, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset UpdatedAt, string StatusUrl)
{
    /// <summary>The source's knowledge base (for listeners of pushed progress).</summary>
    public string KnowledgeBaseId { get; init; } = "";

    /// <summary>The page limit stopped discovery: pages beyond it were not read (and are not taken for vanished).</summary>
    public bool LimitReached { get; init; }

    public static SyncRunDto From(SyncRun r) =>
        new(r.Id, r.SourceId, r.Trigger, r.Status, r.Phase, r.Discovered, r.Processed, r.Added, r.Updated, r.Unchanged, r.Removed, r.Failed, r.Skipped,
            r.Error, r.CreatedAt, r.StartedAt, r.FinishedAt, r.UpdatedAt, $"/api/v1/sync-runs/{r.Id}") { KnowledgeBaseId = r.KnowledgeBaseId, LimitReached = r.LimitReached };
}

public sealed record SourceDto(
    string Id, string KnowledgeBaseId, string Name, SourceKind Kind, WebSourceSettings? Web, FolderSourceSettings? Folder,
    TimeSpan? Interval, TimeSpan RemovalGrace, IReadOnlyList<string> Groups, bool Paused, DateTimeOffset? NextSyncAt, DateTimeOffset CreatedAt,
    int DocumentCount, SyncRunDto? LastRun)
{
    public static SourceDto From(Source s, int documents, SyncRun? lastRun) =>
        new(s.Id, s.KnowledgeBaseId, s.Name, s.Kind, s.Web, s.Folder, s.Interval, s.RemovalGrace, s.Groups, s.Paused, s.NextSyncAt, s.CreatedAt,
            documents, lastRun is null ? null : SyncRunDto.From(lastRun));
}

/// <summary>One item of a sync's history: what happened to it and why.</summary>
public sealed record SyncChangeDto(string Key, SyncOutcome Outcome, string? Reason, string? DocumentId, DateTimeOffset At);

public sealed record SyncRunDetailDto(SyncRunDto Run, IReadOnlyList<SyncChangeDto> Changes);
