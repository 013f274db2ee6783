using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Ingestion.Sources;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Api.Sources;

/// <summary>What creating and changing sources share: settings checked against this server's rules, and waking the sync workers.</summary>
public sealed class SourceRequests(IOptions<SourceOptions> options, [FromKeyedServices(SyncWorker.SignalKey)] IngestionSignal signal)
{
    /// <summary>Applies the settings given; a Problem Details answer when one of them is not acceptable.</summary>
    public ProblemHttpResult? Apply(Source source, WebSourceRequest? web, FolderSourceRequest? folder, TimeSpan? interval, bool clearInterval, IReadOnlyList<string>? groups, ClaimsPrincipal user)
    {
        if (web is not null)
        {
            if (source.Kind != SourceKind.Web) return ApiProblems.Validation("invalid_source", "Only a web source has web settings.");
            var current = source.Web;
            var startUrl = web.StartUrl is { Length: > 0 } url ? url.Trim() : current?.StartUrl ?? "";
            source.Web = new WebSourceSettings
            {
                StartUrl = startUrl,
                PathPrefix = web.PathPrefix ?? (web.StartUrl is { Length: > 0 } || current is null ? SourceRules.DefaultPathPrefix(startUrl) : current.PathPrefix),
                MaxDepth = web.MaxDepth ?? current?.MaxDepth ?? 5,
                MaxPages = web.MaxPages ?? current?.MaxPages ?? 1000,
                RequestInterval = web.RequestInterval ?? current?.RequestInterval ?? TimeSpan.FromMilliseconds(500),
            };
            if (SourceRules.WebProblem(source.Web, options.Value.AllowPrivateNetworks) is { } problem) return ApiProblems.Validation("invalid_web_source", problem);
        }
        if (folder is not null)
        {
            if (source.Kind != SourceKind.Folder) return ApiProblems.Validation("invalid_source", "Only a folder source has a folder.");
            var path = folder.Path is { Length: > 0 } given ? given.Trim() : source.Folder?.Path ?? "";
            if (SourceRules.FolderProblem(path, options.Value.AllowedFolders) is { } problem) return ApiProblems.Validation("invalid_folder_source", problem);
            if (!Directory.Exists(path)) return ApiProblems.Validation("invalid_folder_source", $"The folder {path} does not exist on the server.");
            source.Folder = new FolderSourceSettings { Path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)), Watch = folder.Watch ?? source.Folder?.Watch ?? true };
        }
        if (clearInterval) source.Interval = null;
        else if (interval is not null) source.Interval = interval;
        if (groups is not null)
        {
            var (clean, problem) = AccessGroups.Clean(groups);
            if (clean is null) return ApiProblems.Validation("invalid_groups", problem!);
            if (user.VisibleGroups() is { } mine && clean.Count > 0 && !clean.Any(mine.Contains))
                return ApiProblems.Validation("invalid_groups", "Give the source's documents at least one group you hold, or ask an administrator.");
            source.Groups = clean;
        }
        return null;
    }

    /// <summary>Queues a sync of the source and wakes this process's sync workers; the run, or null when none could be queued.</summary>
    public async Task<SyncRun?> QueueAsync(ISourceStore store, string sourceId, CancellationToken ct)
    {
        var queued = await store.QueueAsync(sourceId, SyncTrigger.Manual, ct);
        if (queued is { Queued: true }) Wake();
        return queued?.Run;
    }

    public void Wake() => signal.Notify();
}
