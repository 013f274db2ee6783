using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// The durable state of source syncs (decision 0080): queued and running syncs, each one's frontier of entries,
/// and what each source last held. A sync is run by the worker that holds its lease; every write of that worker
/// checks it still does, so a worker that lost its run to another (after a crash or a stall) stops instead of
/// writing beside it.
/// </summary>
public interface ISourceStore
{
    /// <summary>Queues a sync of every unpaused source whose schedule is due and that has none queued or running; returns how many.</summary>
    Task<int> QueueDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Queues a sync of the source unless one is queued or running already; returns the active sync and whether it
    /// was queued by this call, or null when there is no such source or it is paused. A failure of the database (a busy
    /// one) is thrown, never taken for a sync another caller queued.
    /// </summary>
    Task<(SyncRun Run, bool Queued)?> QueueAsync(string sourceId, SyncTrigger trigger, CancellationToken cancellationToken);

    /// <summary>Claims the next queued sync, or a running one whose worker's lease lapsed, for <paramref name="workerId"/>.</summary>
    Task<SyncWork?> ClaimNextAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Extends the lease, records the phase and refreshes the counts (from the entries); says whether to go on.</summary>
    Task<SyncHeartbeat> HeartbeatAsync(string runId, string workerId, TimeSpan lease, string phase, CancellationToken cancellationToken);

    /// <summary>Adds the first entries (at most <paramref name="limit"/> in all) and marks the frontier seeded, in one transaction.</summary>
    Task<bool> SeedAsync(string runId, string workerId, IReadOnlyList<FrontierEntry> entries, int limit, CancellationToken cancellationToken);

    /// <summary>The next entries still pending, in the order they were discovered, with what the source last held at each key.</summary>
    Task<IReadOnlyList<PendingItem>> NextPendingAsync(SyncRun run, int take, CancellationToken cancellationToken);

    /// <summary>
    /// Records what happened to one entry, in one transaction: its outcome, the item as read now, and the entries it
    /// led to (unknown keys only, up to the limit). False when the worker no longer holds the run: nothing was written.
    /// </summary>
    Task<bool> RecordAsync(ItemOutcome outcome, CancellationToken cancellationToken);

    /// <summary>What the run's entries came to so far, and how many items the source held before it.</summary>
    Task<SyncTally> TallyAsync(SyncRun run, CancellationToken cancellationToken);

    /// <summary>
    /// The source's items this run did not keep (gone, skipped, or not reached; not reached does not count when the
    /// page limit stopped discovery). Each without an entry yet gets one (gone, with <paramref name="reason"/>), and
    /// each not missed before is missing from <paramref name="now"/> on.
    /// </summary>
    Task<IReadOnlyList<SourceItem>> MarkVanishedAsync(SyncRun run, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the item's document row and the item, and records the entry as removed, in one transaction.</summary>
    Task RemoveItemAsync(string runId, SourceItem item, string reason, CancellationToken cancellationToken);

    /// <summary>Ends the run: final counts from its entries, pending and unchanged entries dropped, old runs of the source pruned.</summary>
    Task FinishAsync(string runId, string workerId, SyncRunStatus status, string? error, CancellationToken cancellationToken);

    /// <summary>Gives the run back unfinished (shutdown): it is due again at once and resumes from its entries.</summary>
    Task ReleaseAsync(string runId, string workerId, CancellationToken cancellationToken);

    /// <summary>Unpaused folder sources that ask to be watched, of every tenant.</summary>
    Task<IReadOnlyList<Source>> WatchedFoldersAsync(CancellationToken cancellationToken);
}
