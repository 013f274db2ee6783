using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>Sources, their items and their sync runs in the metadata database (decision 0080).</summary>
public sealed class EfSourceStore(KnowledgeDbContext db, TimeProvider clock) : ISourceStore
{
    /// <summary>Outcomes after which the item's document stays: a failed read is no reason to drop what was read before.</summary>
    private static readonly SyncOutcome[] Kept = [SyncOutcome.Added, SyncOutcome.Updated, SyncOutcome.Unchanged, SyncOutcome.Failed];

    /// <summary>The history kept per source.</summary>
    private const int KeptRuns = 50;

    public async Task<int> QueueDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = await db.Sources.AsNoTracking()
            .Where(s => !s.Paused && s.Interval != null && s.NextSyncAt != null && s.NextSyncAt <= now)
            .OrderBy(s => s.NextSyncAt).Select(s => new { s.Id, s.NextSyncAt, s.Interval }).Take(100).ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var source in due)
        {
            // Whoever moves the source's next time owns this tick of its schedule (several workers may look at once).
            var moved = await db.Sources.Where(s => s.Id == source.Id && s.NextSyncAt == source.NextSyncAt)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextSyncAt, now + source.Interval!.Value), cancellationToken);
            if (moved == 1 && await QueueAsync(source.Id, SyncTrigger.Schedule, cancellationToken) is { Queued: true }) queued++;
        }
        return queued;
    }

    public async Task<(SyncRun Run, bool Queued)?> QueueAsync(string sourceId, SyncTrigger trigger, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, cancellationToken);
            if (source is null || source.Paused) return null;
            var active = await db.SyncRuns.AsNoTracking()
                .FirstOrDefaultAsync(r => r.SourceId == sourceId && (r.Status == SyncRunStatus.Queued || r.Status == SyncRunStatus.Running), cancellationToken);
            if (active is not null) return (active, false);
            var now = clock.GetUtcNow();
            var run = new SyncRun
            {
                Id = Ids.New("sync"), TenantId = source.TenantId, SourceId = source.Id, KnowledgeBaseId = source.KnowledgeBaseId,
                Trigger = trigger, CreatedAt = now, UpdatedAt = now,
            };
            db.SyncRuns.Add(run);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return (run, true);
            }
            catch (DbUpdateException ex)
            {
                db.ChangeTracker.Clear();
                // Only the unique index on a source's active sync means another caller queued one first: answer with
                // that one. Anything else (a busy or locked database) is no sign of a queued sync and goes to the caller.
                if (!StorageFailures.IsUniqueViolation(ex)) throw;
            }
        }
        return null;
    }

    public async Task<SyncWork?> ClaimNextAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = clock.GetUtcNow();
            var candidate = await db.SyncRuns.AsNoTracking()
                .Where(r => r.Status == SyncRunStatus.Queued || (r.Status == SyncRunStatus.Running && r.LeaseExpiresAt < now))
                // A suspended tenant's syncs wait, queued, until it is resumed.
                .Where(r => !db.Tenants.Any(t => t.Id == r.TenantId && t.SuspendedAt != null))
                .OrderBy(r => r.CreatedAt)
                .Select(r => new { r.Id, r.Status, r.LeaseExpiresAt })
                .FirstOrDefaultAsync(cancellationToken);
            if (candidate is null) return null;

            // Whoever changes the row first owns the run (decision 0006).
            var claimed = await db.SyncRuns
                .Where(r => r.Id == candidate.Id && r.Status == candidate.Status && r.LeaseExpiresAt == candidate.LeaseExpiresAt)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, SyncRunStatus.Running)
                    .SetProperty(r => r.LeasedBy, workerId)
                    .SetProperty(r => r.LeaseExpiresAt, now + lease)
                    .SetProperty(r => r.Attempts, r => r.Attempts + 1)
                    .SetProperty(r => r.StartedAt, r => r.StartedAt ?? now)
                    .SetProperty(r => r.UpdatedAt, now), cancellationToken);
            if (claimed != 1) continue;

            var handOver = CancellationToken.None;
            var run = await db.SyncRuns.AsNoTracking().SingleAsync(r => r.Id == candidate.Id, handOver);
            var source = await db.Sources.AsNoTracking().SingleAsync(s => s.Id == run.SourceId, handOver);
            var kb = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.Id == source.KnowledgeBaseId, handOver);
            return new SyncWork(run, source, kb);
        }
        return null;
    }

    public async Task<SyncHeartbeat> HeartbeatAsync(string runId, string workerId, TimeSpan lease, string phase, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var counts = await SyncRunCounts.CountAsync(db, runId, cancellationToken);
        var held = await db.SyncRuns.Where(r => r.Id == runId && r.LeasedBy == workerId && r.Status == SyncRunStatus.Running)
            .ExecuteUpdateAsync(s =>
            {
                counts.Apply(s);
                s.SetProperty(r => r.LeaseExpiresAt, now + lease).SetProperty(r => r.Phase, phase).SetProperty(r => r.UpdatedAt, now);
            }, cancellationToken);
        if (held == 0) return SyncHeartbeat.Lost;
        var paused = await db.SyncRuns.Where(r => r.Id == runId)
            .Select(r => db.Sources.Where(s => s.Id == r.SourceId).Select(s => s.Paused).FirstOrDefault())
            .FirstOrDefaultAsync(cancellationToken);
        return paused ? SyncHeartbeat.Paused : SyncHeartbeat.Continue;
    }

    public Task<bool> SeedAsync(string runId, string workerId, IReadOnlyList<FrontierEntry> entries, int limit, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var tenant = await db.SyncRuns.Where(r => r.Id == runId && r.LeasedBy == workerId && r.Status == SyncRunStatus.Running)
                .Select(r => r.TenantId).FirstOrDefaultAsync(ct);
            if (tenant is null) return false;
            await AddEntriesAsync(runId, tenant, entries, limit, ct);
            await db.SaveChangesAsync(ct);
            await db.SyncRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Seeded, true), ct);
            return true;
        }, cancellationToken);

    public async Task<IReadOnlyList<PendingItem>> NextPendingAsync(SyncRun run, int take, CancellationToken cancellationToken)
    {
        var entries = await db.SyncEntries.AsNoTracking().Where(e => e.RunId == run.Id && e.Outcome == SyncOutcome.Pending)
            .OrderBy(e => e.Id).Take(take).ToListAsync(cancellationToken);
        var keys = entries.Select(e => e.Key).ToList();
        var items = await db.SourceItems.AsNoTracking().Where(i => i.SourceId == run.SourceId && keys.Contains(i.Key))
            .ToDictionaryAsync(i => i.Key, StringComparer.Ordinal, cancellationToken);
        var documentIds = items.Values.Select(i => i.DocumentId).ToList();
        var documents = (await db.Documents.AsNoTracking().Where(d => d.TenantId == run.TenantId && documentIds.Contains(d.Id))
            .Select(d => d.Id).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        return entries.Select(e =>
        {
            var item = items.GetValueOrDefault(e.Key);
            return new PendingItem(e, item, item is not null && documents.Contains(item.DocumentId));
        }).ToList();
    }

    public Task<bool> RecordAsync(ItemOutcome outcome, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var now = clock.GetUtcNow();
            // The lease check doubles as its extension: a worker that lost the run writes nothing.
            var held = await db.SyncRuns.Where(r => r.Id == outcome.RunId && r.LeasedBy == outcome.WorkerId && r.Status == SyncRunStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseExpiresAt, now + outcome.Lease), ct);
            if (held == 0) return false;
            await db.SyncEntries.Where(e => e.Id == outcome.EntryId).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Outcome, outcome.Outcome)
                .SetProperty(e => e.Reason, outcome.Reason)
                .SetProperty(e => e.DocumentId, outcome.DocumentId)
                .SetProperty(e => e.UpdatedAt, now), ct);
            if (outcome.Item is { } read) await SaveItemAsync(read, now, ct);
            await AddEntriesAsync(outcome.RunId, outcome.TenantId, outcome.Discovered, outcome.Limit, ct);
            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken);

    public async Task<SyncTally> TallyAsync(SyncRun run, CancellationToken cancellationToken)
    {
        var counts = await SyncRunCounts.CountAsync(db, run.Id, cancellationToken);
        var firstFailure = await db.SyncEntries.AsNoTracking()
            .Where(e => e.RunId == run.Id && (e.Outcome == SyncOutcome.Failed || e.Outcome == SyncOutcome.Gone || e.Outcome == SyncOutcome.Skipped))
            .OrderBy(e => e.Outcome == SyncOutcome.Failed ? 0 : 1).ThenBy(e => e.Id).Select(e => e.Key + ": " + e.Reason).FirstOrDefaultAsync(cancellationToken);
        var items = await db.SourceItems.CountAsync(i => i.SourceId == run.SourceId, cancellationToken);
        return new SyncTally(counts.Total, counts.Read, firstFailure, items);
    }

    public async Task<IReadOnlyList<SourceItem>> MarkVanishedAsync(SyncRun run, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limitReached = await db.SyncRuns.Where(r => r.Id == run.Id).Select(r => r.LimitReached).FirstAsync(cancellationToken);
        var entries = db.SyncEntries.Where(e => e.RunId == run.Id);
        var vanished = await db.SourceItems.AsNoTracking()
            .Where(i => i.SourceId == run.SourceId && !entries.Any(e => e.Key == i.Key && Kept.Contains(e.Outcome)))
            // Past the page limit, an item that was not reached may well still be there.
            .Where(i => !limitReached || entries.Any(e => e.Key == i.Key))
            .ToListAsync(cancellationToken);
        if (vanished.Count == 0) return vanished;
        return await db.InTransactionAsync(async ct =>
        {
            var keys = vanished.Select(i => i.Key).ToList();
            var withEntry = (await entries.Where(e => keys.Contains(e.Key)).Select(e => e.Key).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
            foreach (var item in vanished.Where(i => !withEntry.Contains(i.Key)))
                db.SyncEntries.Add(new SyncEntry { RunId = run.Id, TenantId = run.TenantId, Key = item.Key, Outcome = SyncOutcome.Gone, Reason = reason, DocumentId = item.DocumentId, UpdatedAt = now });
            await db.SourceItems.Where(i => i.SourceId == run.SourceId && keys.Contains(i.Key) && i.MissingSince == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.MissingSince, now), ct);
            await db.SaveChangesAsync(ct);
            foreach (var item in vanished) item.MissingSince ??= now;
            return vanished;
        }, cancellationToken);
    }

    public Task RemoveItemAsync(string runId, SourceItem item, string reason, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var now = clock.GetUtcNow();
            // The knowledge base answers without the document from now on (decision 0093).
            await KnowledgeBaseVersion.BumpForDocumentAsync(db, item.DocumentId, ct);
            await db.Documents.Where(d => d.Id == item.DocumentId && d.TenantId == item.TenantId).ExecuteDeleteAsync(ct);
            await db.SourceItems.Where(i => i.SourceId == item.SourceId && i.Key == item.Key).ExecuteDeleteAsync(ct);
            var recorded = await db.SyncEntries.Where(e => e.RunId == runId && e.Key == item.Key).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Outcome, SyncOutcome.Removed).SetProperty(e => e.Reason, reason).SetProperty(e => e.UpdatedAt, now), ct);
            if (recorded == 0)
            {
                db.SyncEntries.Add(new SyncEntry { RunId = runId, TenantId = item.TenantId, Key = item.Key, Outcome = SyncOutcome.Removed, Reason = reason, DocumentId = item.DocumentId, UpdatedAt = now });
                await db.SaveChangesAsync(ct);
            }
            return true;
        }, cancellationToken);

    public Task FinishAsync(string runId, string workerId, SyncRunStatus status, string? error, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var now = clock.GetUtcNow();
            var counts = await SyncRunCounts.CountAsync(db, runId, ct);
            var held = await db.SyncRuns.Where(r => r.Id == runId && r.LeasedBy == workerId && r.Status == SyncRunStatus.Running)
                .ExecuteUpdateAsync(s =>
                {
                    counts.Apply(s);
                    s.SetProperty(r => r.Status, status).SetProperty(r => r.Error, error).SetProperty(r => r.Phase, (string?)null)
                        .SetProperty(r => r.LeasedBy, (string?)null).SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)null)
                        .SetProperty(r => r.FinishedAt, now).SetProperty(r => r.UpdatedAt, now);
                }, ct);
            if (held == 0) return false;
            // The history keeps what changed or went wrong; unchanged items live on in the counts only.
            await db.SyncEntries.Where(e => e.RunId == runId && (e.Outcome == SyncOutcome.Pending || e.Outcome == SyncOutcome.Unchanged)).ExecuteDeleteAsync(ct);
            var sourceId = await db.SyncRuns.Where(r => r.Id == runId).Select(r => r.SourceId).FirstAsync(ct);
            var old = await db.SyncRuns.Where(r => r.SourceId == sourceId && r.FinishedAt != null)
                .OrderByDescending(r => r.CreatedAt).Skip(KeptRuns).Select(r => r.Id).ToListAsync(ct);
            if (old.Count > 0) await db.SyncRuns.Where(r => old.Contains(r.Id)).ExecuteDeleteAsync(ct);
            return true;
        }, cancellationToken);

    public Task ReleaseAsync(string runId, string workerId, CancellationToken cancellationToken) =>
        db.SyncRuns.Where(r => r.Id == runId && r.LeasedBy == workerId && r.Status == SyncRunStatus.Running).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, SyncRunStatus.Queued)
            .SetProperty(r => r.LeasedBy, (string?)null)
            .SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)null)
            // An interrupted attempt is not a failed one.
            .SetProperty(r => r.Attempts, r => r.Attempts - 1), cancellationToken);

    public async Task<IReadOnlyList<Source>> WatchedFoldersAsync(CancellationToken cancellationToken) =>
        (await db.Sources.AsNoTracking().Where(s => s.Kind == SourceKind.Folder && !s.Paused).ToListAsync(cancellationToken))
            .Where(s => s.Folder is { Watch: true }).ToList();

    /// <summary>Stores the item as read now; a changed item is no longer missing.</summary>
    private async Task SaveItemAsync(SourceItem read, DateTimeOffset now, CancellationToken ct)
    {
        var item = await db.SourceItems.FirstOrDefaultAsync(i => i.SourceId == read.SourceId && i.Key == read.Key, ct);
        if (item is null)
        {
            read.UpdatedAt = now;
            read.MissingSince = null;
            db.SourceItems.Add(read);
            return;
        }
        item.ETag = read.ETag;
        item.LastModified = read.LastModified;
        item.ContentHash = read.ContentHash;
        if (!item.Links.SequenceEqual(read.Links, StringComparer.Ordinal)) item.Links = read.Links;
        item.MissingSince = null;
        db.ChangeTracker.DetectChanges();
        if (db.Entry(item).State == EntityState.Modified) item.UpdatedAt = now;
    }

    /// <summary>Adds the keys this run has not seen yet, up to <paramref name="limit"/> entries in all; past it the run notes the limit.</summary>
    private async Task AddEntriesAsync(string runId, string tenantId, IReadOnlyList<FrontierEntry> entries, int limit, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        var keys = entries.Select(e => e.Key).Distinct(StringComparer.Ordinal).ToList();
        var known = (await db.SyncEntries.Where(e => e.RunId == runId && keys.Contains(e.Key)).Select(e => e.Key).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var fresh = entries.Where(e => known.Add(e.Key)).ToList();
        if (fresh.Count == 0) return;
        var room = limit - await db.SyncEntries.CountAsync(e => e.RunId == runId, ct);
        var now = clock.GetUtcNow();
        foreach (var entry in fresh.Take(Math.Max(0, room)))
            db.SyncEntries.Add(new SyncEntry { RunId = runId, TenantId = tenantId, Key = entry.Key, Depth = entry.Depth, UpdatedAt = now });
        if (fresh.Count > room) await db.SyncRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.LimitReached, true), ct);
    }
}
