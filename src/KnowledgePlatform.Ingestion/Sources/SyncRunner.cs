using System.Diagnostics;
using System.Security.Cryptography;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Telemetry;
using KnowledgePlatform.Ingestion.Intake;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Sources;

/// <summary>
/// Runs one claimed sync (decision 0080): seed the frontier, read every pending entry in order, then remove what
/// vanished longer than the grace period ago. Each entry's outcome, the item as read and the links it led to are
/// written in one transaction, so a sync killed at any point resumes with the next pending entry and counts every
/// item once; an item read again after a crash finds its document by its stable id and makes no second version.
/// Changed content goes through the intake like an upload, so versions replace each other atomically (decision 7).
/// </summary>
public sealed class SyncRunner(
    ISourceStore store,
    IEnumerable<ISourceReader> readers,
    DocumentIntake intake,
    DocumentRemover remover,
    IOptions<SourceOptions> options,
    TimeProvider clock,
    ILogger<SyncRunner> logger)
{
    private const int Batch = 50;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    /// <summary>Claims and runs one sync; false when none was due.</summary>
    public async Task<bool> RunNextAsync(string workerId, CancellationToken cancellationToken)
    {
        var work = await store.ClaimNextAsync(workerId, options.Value.Lease, cancellationToken);
        if (work is null) return false;
        await RunAsync(new Sync(work, workerId, options.Value.Lease, store, clock), cancellationToken);
        return true;
    }

    private async Task RunAsync(Sync sync, CancellationToken cancellationToken)
    {
        var (run, source) = (sync.Work.Run, sync.Work.Source);
        using var activity = PlatformTelemetry.Source.StartActivity("sync source");
        activity?.SetTag("kp.source.id", source.Id);
        try
        {
            if (run.Attempts > options.Value.MaxAttempts)
            {
                await sync.FinishAsync(SyncRunStatus.Failed, $"The sync was interrupted {run.Attempts - 1} times and was given up; run it again.");
                return;
            }

            await using var session = await readers.Single(r => r.Kind == source.Kind).OpenAsync(source, cancellationToken);
            if (!run.Seeded)
            {
                await sync.BeatAsync("listing", force: true, cancellationToken);
                if (!await store.SeedAsync(run.Id, sync.WorkerId, await session.SeedAsync(cancellationToken), session.Limit, cancellationToken)) return;
            }

            await ReadPendingAsync(sync, session, cancellationToken);
            var tally = await store.TallyAsync(run, cancellationToken);
            // A source that could not be read at all (a site that is down, a wrong start URL, an empty mount point) removes nothing.
            if (tally.Read == 0 && tally.Discovered > 0)
            {
                await sync.FinishAsync(SyncRunStatus.Failed, $"None of the {tally.Discovered} items could be read; nothing was removed. {tally.FirstFailure}");
                return;
            }

            if (tally.Discovered == 0 && tally.SourceItems > 0)
            {
                await sync.FinishAsync(SyncRunStatus.Failed, "The source listed nothing this time; nothing was removed. If it was emptied on purpose, remove the source with its documents.");
                return;
            }

            await RemoveVanishedAsync(sync, session, cancellationToken);
            await sync.FinishAsync(SyncRunStatus.Succeeded, null);
            logger.LogInformation("Sync {Run} of source {Source} finished", run.Id, source.Id);
        }
        catch (SourceUnavailableException ex)
        {
            logger.LogWarning("Sync {Run} of source {Source} failed: {Reason}", run.Id, source.Id, ex.Message);
            await sync.FinishAsync(SyncRunStatus.Failed, ex.Message);
        }
        catch (SyncStoppedException stopped)
        {
            if (stopped.Paused) await sync.FinishAsync(SyncRunStatus.Cancelled, "The source was paused; the sync stopped. Nothing was removed.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: give the run back, another worker (or this one after a restart) resumes it from its entries.
            await store.ReleaseAsync(run.Id, sync.WorkerId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The database or a bug: the lease lapses and another attempt resumes the run from its entries.
            logger.LogError(ex, "Sync {Run} of source {Source} stopped on an unexpected error; it resumes when its lease lapses", run.Id, source.Id);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
        }
    }

    private async Task ReadPendingAsync(Sync sync, ISourceSession session, CancellationToken cancellationToken)
    {
        IReadOnlyList<PendingItem> batch;
        while ((batch = await store.NextPendingAsync(sync.Work.Run, Batch, cancellationToken)).Count > 0)
        {
            foreach (var pending in batch)
            {
                await sync.BeatAsync("fetching", force: false, cancellationToken);
                var outcome = await ReadAsync(sync, session, pending, cancellationToken);
                if (!await store.RecordAsync(outcome, cancellationToken)) throw new SyncStoppedException(paused: false);
            }
        }
    }

    /// <summary>Reads one entry and decides what it comes to; the document is written (through the intake) only when its content changed.</summary>
    private async Task<ItemOutcome> ReadAsync(Sync sync, ISourceSession session, PendingItem pending, CancellationToken cancellationToken)
    {
        var (work, entry, known) = (sync.Work, pending.Entry, pending.Item);
        var documentId = SourceDocuments.Id(work.Source.Id, entry.Key);
        var read = await session.ReadAsync(entry, pending.DocumentExists ? known : null, cancellationToken);
        var outcome = new ItemOutcome(work.Run.Id, work.Run.TenantId, sync.WorkerId, sync.Lease, entry.Id, SyncOutcome.Unchanged, null)
        {
            Discovered = read.Links,
            Limit = session.Limit,
        };
        switch (read)
        {
            case ItemRead.NotModified:
                return outcome with { Item = known, DocumentId = documentId };
            case ItemRead.Gone gone:
                return outcome with { Outcome = SyncOutcome.Gone, Reason = gone.Reason, DocumentId = pending.DocumentExists ? documentId : null };
            case ItemRead.Failed failed:
                return outcome with { Outcome = SyncOutcome.Failed, Reason = failed.Reason };
            case ItemRead.Skipped skipped:
                return outcome with { Outcome = SyncOutcome.Skipped, Reason = skipped.Reason };
        }

        var content = (ItemRead.Content)read;
        await using var body = content.Body;
        var hash = Convert.ToHexString(await SHA256.HashDataAsync(body, cancellationToken)).ToLowerInvariant();
        body.Position = 0;
        var item = new SourceItem
        {
            SourceId = work.Source.Id, Key = entry.Key, TenantId = work.Run.TenantId, DocumentId = documentId,
            ETag = content.ETag, LastModified = content.LastModified, ContentHash = hash, Links = content.Links.Select(l => l.Key).ToList(),
        };
        // The same bytes as last time (a server that sends no validators, a file touched but not changed): nothing to do.
        if (pending.DocumentExists && known?.ContentHash == hash) return outcome with { Item = item, DocumentId = documentId };
        try
        {
            var document = new SourceDocument(documentId, work.Source.Id, session.DocumentName(entry.Key), content.Format, work.Source.Groups);
            await intake.SubmitItemAsync(work.KnowledgeBase, document, body, cancellationToken);
            return outcome with { Outcome = pending.DocumentExists ? SyncOutcome.Updated : SyncOutcome.Added, Item = item, DocumentId = documentId };
        }
        catch (IntakeException ex)
        {
            return outcome with { Outcome = SyncOutcome.Failed, Reason = ex.Message };
        }
    }

    private async Task RemoveVanishedAsync(Sync sync, ISourceSession session, CancellationToken cancellationToken)
    {
        await sync.BeatAsync("removing", force: true, cancellationToken);
        var (run, source) = (sync.Work.Run, sync.Work.Source);
        var now = clock.GetUtcNow();
        foreach (var item in await store.MarkVanishedAsync(run, session.VanishedReason, now, cancellationToken))
        {
            var since = item.MissingSince ?? now;
            if (now - since < source.RemovalGrace) continue;
            await sync.BeatAsync("removing", force: true, cancellationToken);
            var reason = source.RemovalGrace == TimeSpan.Zero
                ? "Gone from the source; its document was removed."
                : $"Gone from the source since {since:yyyy-MM-dd HH:mm} UTC; the grace period of {Describe(source.RemovalGrace)} is over, so its document was removed.";
            await remover.RemoveAsync(run, item, reason, cancellationToken);
        }
    }

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{span.TotalDays:0.#} days" : span.TotalHours >= 1 ? $"{span.TotalHours:0.#} hours" : $"{span.TotalSeconds:0} seconds";

    /// <summary>The claimed run and its worker: heartbeats (at most one a second unless forced) and the end of the run.</summary>
    private sealed class Sync(SyncWork work, string workerId, TimeSpan lease, ISourceStore store, TimeProvider clock)
    {
        private long _beat;

        public SyncWork Work { get; } = work;
        public string WorkerId { get; } = workerId;
        public TimeSpan Lease { get; } = lease;

        /// <summary>Extends the lease and publishes progress; stops the run when the source was paused or the run lost.</summary>
        public async Task BeatAsync(string phase, bool force, CancellationToken ct)
        {
            if (!force && _beat != 0 && clock.GetElapsedTime(_beat) < ProgressInterval) return;
            _beat = clock.GetTimestamp();
            switch (await store.HeartbeatAsync(Work.Run.Id, WorkerId, Lease, phase, ct))
            {
                case SyncHeartbeat.Paused: throw new SyncStoppedException(paused: true);
                case SyncHeartbeat.Lost: throw new SyncStoppedException(paused: false);
            }
        }

        public Task FinishAsync(SyncRunStatus status, string? error) => store.FinishAsync(Work.Run.Id, WorkerId, status, error, CancellationToken.None);
    }

    private sealed class SyncStoppedException(bool paused) : Exception
    {
        public bool Paused { get; } = paused;
    }
}
