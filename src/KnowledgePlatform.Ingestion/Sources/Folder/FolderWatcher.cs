using System.Collections.Concurrent;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Sources.Folder;

/// <summary>
/// Watches the folders of folder sources that ask for it and queues a sync a few seconds after the last change
/// (a copy of many files makes one sync, not one per file). Shares that do not report changes are still kept in
/// step by the source's schedule. The set of watched folders is refreshed every poll interval.
/// </summary>
public sealed class FolderWatcher(
    IServiceScopeFactory scopes,
    [FromKeyedServices(SyncWorker.SignalKey)] IngestionSignal signal,
    IOptions<SourceOptions> options,
    ILogger<FolderWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Watch> _watches = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "The watched folders could not be refreshed; retrying");
                }

                // Every poll interval: a change made before a new source's folder is watched is not seen by the watcher.
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var watch in _watches.Values) watch.Dispose();
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        IReadOnlyList<Source> sources;
        await using (var scope = scopes.CreateAsyncScope())
            sources = await scope.ServiceProvider.GetRequiredService<ISourceStore>().WatchedFoldersAsync(ct);
        var wanted = sources.Where(s => Directory.Exists(s.Folder!.Path)).ToDictionary(s => s.Id, s => Path.GetFullPath(s.Folder!.Path));
        foreach (var (id, watch) in _watches)
        {
            if (wanted.GetValueOrDefault(id) == watch.Path) continue;
            if (_watches.TryRemove(id, out var stale)) stale.Dispose();
        }
        foreach (var (id, path) in wanted.Where(w => !_watches.ContainsKey(w.Key)))
        {
            try
            {
                _watches[id] = new Watch(path, () => QueueAsync(id));
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
            {
                // Out of inotify watches, or a share that cannot be watched: the schedule still keeps it in step.
                logger.LogWarning("Folder {Path} cannot be watched ({Error}); it syncs on its schedule only", path, ex.Message);
            }
        }
    }

    /// <summary>Queues a sync after a change; false when the change is not covered yet (a sync already running may have read the folder before it).</summary>
    private async Task<bool> QueueAsync(string sourceId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var queued = await scope.ServiceProvider.GetRequiredService<ISourceStore>().QueueAsync(sourceId, SyncTrigger.Change, CancellationToken.None);
            if (queued is { Queued: true }) signal.Notify();
            // A sync that is still queued will read the change; one that is running may not: try again once it is done.
            return queued is null || queued.Value.Queued || queued.Value.Run.Status == SyncRunStatus.Queued;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A sync of source {Source} could not be queued after a change; its schedule keeps it in step", sourceId);
            return true;
        }
    }

    /// <summary>One folder's watcher; a burst of events queues one sync once the folder has been quiet for a moment, and again while a running sync may have missed it.</summary>
    private sealed class Watch : IDisposable
    {
        private readonly FileSystemWatcher _watcher;
        private readonly Timer _settle;

        public Watch(string path, Func<Task<bool>> changed)
        {
            Path = path;
            // A change that a running sync may have missed is queued again once the folder has settled again.
            _settle = new Timer(_ => _ = Task.Run(async () => { if (!await changed()) Touch(); }), null, Timeout.Infinite, Timeout.Infinite);
            _watcher = new FileSystemWatcher(path) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size };
            _watcher.Changed += (_, _) => Touch();
            _watcher.Created += (_, _) => Touch();
            _watcher.Deleted += (_, _) => Touch();
            _watcher.Renamed += (_, _) => Touch();
            _watcher.Error += (_, _) => Touch(); // events were lost: a sync finds what changed
            _watcher.EnableRaisingEvents = true;
        }

        public string Path { get; }

        private void Touch() => _settle.Change(Settle, Timeout.InfiniteTimeSpan);

        public void Dispose()
        {
            _watcher.Dispose();
            _settle.Dispose();
        }
    }
}
