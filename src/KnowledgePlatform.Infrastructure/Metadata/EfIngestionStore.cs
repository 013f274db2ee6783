using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>Jobs, documents and chunks in the metadata database.</summary>
public sealed class EfIngestionStore(KnowledgeDbContext db, TimeProvider clock) : IIngestionStore
{
    public Task<Document?> FindBySourceAsync(string tenantId, string knowledgeBaseId, string fileName, CancellationToken cancellationToken) =>
        db.Documents.AsNoTracking().FirstOrDefaultAsync(
            d => d.TenantId == tenantId && d.KnowledgeBaseId == knowledgeBaseId && d.FileName == fileName, cancellationToken);

    public Task<Document?> FindAsync(string tenantId, string documentId, CancellationToken cancellationToken) =>
        db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.TenantId == tenantId && d.Id == documentId, cancellationToken);

    public Task<bool> EnqueueAsync(Document document, IngestionJob job, CancellationToken cancellationToken) =>
        InTransactionAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            if (document.SourceId is { } sourceId && !await SourceExistsAsync(sourceId, ct)) return false;
            if (document.Version == 1)
            {
                db.Documents.Add(document);
            }
            else
            {
                db.Documents.Update(document);
                await db.IngestionJobs
                    .Where(j => j.DocumentId == document.Id && j.Status == JobStatus.Queued)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(j => j.Status, JobStatus.Failed)
                        .SetProperty(j => j.Error, $"Superseded by version {document.Version}."), ct);
            }
            db.IngestionJobs.Add(job);
            await db.SaveChangesAsync(ct);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Whether the source is still there, checked inside the enqueueing transaction. PostgreSQL holds a share lock on
    /// its row until the commit, so the source's removal (which lists its documents after deleting it) waits for this
    /// document and takes it away too; SQLite's write transaction already excludes the removal.
    /// </summary>
    private async Task<bool> SourceExistsAsync(string sourceId, CancellationToken ct) => db.Database.IsNpgsql()
        ? (await db.Database.SqlQuery<int>($"""SELECT 1 AS "Value" FROM "Sources" WHERE "Id" = {sourceId} FOR SHARE""").ToListAsync(ct)).Count > 0
        : await db.Sources.AnyAsync(s => s.Id == sourceId, ct);

    public async Task<IngestionWork?> ClaimNextAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = clock.GetUtcNow();
            var jobId = db.Database.IsNpgsql()
                ? await ClaimWithSkipLockedAsync(workerId, now, lease, cancellationToken)
                : await ClaimWithConditionalUpdateAsync(workerId, now, lease, cancellationToken);
            if (jobId is null) return null;

            // The job is ours now: finish handing it over even if shutdown begins, so a claimed job is
            // always either run (and released on shutdown) or never taken, never left leased to nobody.
            var handOver = CancellationToken.None;
            var job = await db.IngestionJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, handOver);
            var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == job.DocumentId, handOver);
            if (document is null) continue; // deleted meanwhile: its jobs go with it
            if (document.Version != job.DocumentVersion)
            {
                await FailAsync(job.Id, document.Id, $"Superseded by version {document.Version}.", null, handOver);
                continue;
            }
            var kb = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.Id == document.KnowledgeBaseId, handOver);
            await db.Documents.Where(d => d.Id == document.Id && d.Version == job.DocumentVersion)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DocumentStatus.Processing).SetProperty(d => d.UpdatedAt, now), handOver);
            return new IngestionWork(job, document, kb) { Policy = await db.PolicyOfAsync(document.TenantId, [kb], handOver) };
        }
        return null;
    }

    /// <summary>
    /// PostgreSQL: one statement locks the first due row that no other worker holds and takes it, so
    /// concurrent workers never wait on or retry over the same job (decision 0021).
    /// </summary>
    private async Task<string?> ClaimWithSkipLockedAsync(string workerId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var sql = ClaimSql.Postgres(db.Model.FindEntityType(typeof(IngestionJob))!, db.Model.FindEntityType(typeof(Tenant))!);
        var claimed = await db.Database
            .SqlQueryRaw<string>(sql, workerId, now + lease, now, JobStatus.Queued.ToString(), JobStatus.Running.ToString())
            .ToListAsync(cancellationToken);
        return claimed.SingleOrDefault();
    }

    /// <summary>
    /// SQLite (one writer at a time): pick a due candidate, then take it with a conditional update;
    /// whoever updates the row first owns it (decision 0006).
    /// </summary>
    private async Task<string?> ClaimWithConditionalUpdateAsync(string workerId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var candidate = await db.IngestionJobs.AsNoTracking()
                .Where(j => (j.Status == JobStatus.Queued && j.NotBefore <= now) || (j.Status == JobStatus.Running && j.LeaseExpiresAt < now))
                // One live job per document: versions are ingested in order, never side by side.
                .Where(j => !db.IngestionJobs.Any(o => o.DocumentId == j.DocumentId && o.Id != j.Id && o.Status == JobStatus.Running && o.LeaseExpiresAt >= now))
                // A suspended tenant's jobs wait, queued, until it is resumed.
                .Where(j => !db.Tenants.Any(t => t.Id == j.TenantId && t.SuspendedAt != null))
                .OrderBy(j => j.NotBefore)
                .Select(j => new { j.Id, j.Status, j.LeaseExpiresAt })
                .FirstOrDefaultAsync(cancellationToken);
            if (candidate is null) return null;

            var claimed = await db.IngestionJobs
                .Where(j => j.Id == candidate.Id && j.Status == candidate.Status && j.LeaseExpiresAt == candidate.LeaseExpiresAt)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Running)
                    .SetProperty(j => j.LeasedBy, workerId)
                    .SetProperty(j => j.LeaseExpiresAt, now + lease)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1), cancellationToken);
            if (claimed == 1) return candidate.Id;
        }
        return null;
    }

    public async Task ReportProgressAsync(string jobId, string documentId, string step, int percent, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, now + lease), cancellationToken);
        await db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Step, step)
            .SetProperty(d => d.ProgressPercent, percent)
            .SetProperty(d => d.UpdatedAt, now), cancellationToken);
    }

    public Task CompleteStepAsync(string jobId, string step, CancellationToken cancellationToken) =>
        db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.CompletedStep, step), cancellationToken);

    public Task SaveChunksAsync(string documentId, int version, string? title, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken) =>
        InTransactionAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            // Only this version's chunks are replaced: the indexed version keeps serving until the swap.
            await db.Chunks.Where(c => c.DocumentId == documentId && c.Version == version).ExecuteDeleteAsync(ct);
            // A curator's "disable" survives a new upload: older versions (still stored until this one succeeds)
            // name the texts that were disabled, and the same text starts disabled here (decision 0052).
            var disabled = (await db.Chunks.AsNoTracking().Where(c => c.DocumentId == documentId && c.Version < version && c.Disabled)
                .Select(c => c.Text).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
            foreach (var chunk in chunks) chunk.Disabled |= disabled.Contains(chunk.Text);
            db.Chunks.AddRange(chunks);
            await db.SaveChangesAsync(ct);
            await db.Documents.Where(d => d.Id == documentId && d.Version == version).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Title, title)
                .SetProperty(d => d.ChunkCount, chunks.Count), ct);
            return true;
        }, cancellationToken);

    public Task RecordRecognitionAsync(string documentId, int version, TextRecognition? recognition, CancellationToken cancellationToken) =>
        db.Documents.Where(d => d.Id == documentId && d.Version == version)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Recognition, recognition), cancellationToken);

    public async Task<IReadOnlyList<Chunk>> LoadChunksAsync(string documentId, int version, CancellationToken cancellationToken) =>
        await db.Chunks.AsNoTracking().Where(c => c.DocumentId == documentId && c.Version == version).OrderBy(c => c.Ordinal).ToListAsync(cancellationToken);

    public Task<bool> SucceedAsync(string jobId, string documentId, int version, CancellationToken cancellationToken) =>
        InTransactionAsync(async ct =>
        {
            var now = clock.GetUtcNow();
            await db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Succeeded)
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(j => j.Error, (string?)null), ct);
            var exists = await db.Documents.Where(d => d.Id == documentId)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.IndexedVersion, version).SetProperty(d => d.UpdatedAt, now), ct) == 1;
            // A new version answers from now on: the knowledge base's content version changes with it (decision 0093).
            await KnowledgeBaseVersion.BumpForDocumentAsync(db, documentId, ct);
            // Ready only if no newer version arrived while this one was ingested; a ready document is at no step.
            await db.Documents.Where(d => d.Id == documentId && d.Version == version).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DocumentStatus.Ready)
                .SetProperty(d => d.Step, (string?)null)
                .SetProperty(d => d.ProgressPercent, 100)
                .SetProperty(d => d.Error, (string?)null), ct);
            await db.Chunks.Where(c => c.DocumentId == documentId && c.Version < version).ExecuteDeleteAsync(ct);
            return exists;
        }, cancellationToken);

    public Task FailAsync(string jobId, string documentId, string reason, TimeSpan? retryAfter, CancellationToken cancellationToken) =>
        InTransactionAsync(async ct =>
        {
            var now = clock.GetUtcNow();
            await db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, retryAfter is null ? JobStatus.Failed : JobStatus.Queued)
                .SetProperty(j => j.NotBefore, now + (retryAfter ?? TimeSpan.Zero))
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(j => j.Error, reason), ct);
            // The document's status follows its latest version only.
            await db.Documents
                .Where(d => d.Id == documentId && db.IngestionJobs.Any(j => j.Id == jobId && j.DocumentVersion == d.Version))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, retryAfter is null ? DocumentStatus.Failed : DocumentStatus.Queued)
                    .SetProperty(d => d.Error, reason)
                    .SetProperty(d => d.UpdatedAt, now), ct);
            return true;
        }, cancellationToken);

    public Task ReleaseAsync(string jobId, CancellationToken cancellationToken) =>
        db.IngestionJobs.Where(j => j.Id == jobId && j.Status == JobStatus.Running).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, JobStatus.Queued)
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(j => j.NotBefore, clock.GetUtcNow())
            // An interrupted attempt is not a failed one.
            .SetProperty(j => j.Attempts, j => j.Attempts - 1), cancellationToken);

    private Task<T> InTransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) => db.InTransactionAsync(work, cancellationToken);
}

/// <summary>The PostgreSQL claim statement, with table and column names taken from the EF model.</summary>
internal static class ClaimSql
{
    /// <summary>Parameters: {0} worker id, {1} lease expiry, {2} now, {3} queued status, {4} running status.</summary>
    public static string Postgres(Microsoft.EntityFrameworkCore.Metadata.IEntityType jobs, Microsoft.EntityFrameworkCore.Metadata.IEntityType tenants)
    {
        var table = $"\"{jobs.GetTableName()}\"";
        string C(string property) => $"\"{jobs.FindProperty(property)!.GetColumnName()}\"";
        string T(string property) => $"\"{tenants.FindProperty(property)!.GetColumnName()}\"";
        // One live job per document: a job whose document another live job is working on waits. A suspended tenant's
        // jobs wait, queued, until it is resumed.
        return $$"""
            UPDATE {{table}} SET {{C(nameof(IngestionJob.Status))}} = {4}, {{C(nameof(IngestionJob.LeasedBy))}} = {0},
                   {{C(nameof(IngestionJob.LeaseExpiresAt))}} = {1}, {{C(nameof(IngestionJob.Attempts))}} = {{C(nameof(IngestionJob.Attempts))}} + 1
            WHERE {{C(nameof(IngestionJob.Id))}} = (
                SELECT j.{{C(nameof(IngestionJob.Id))}} FROM {{table}} j
                WHERE ((j.{{C(nameof(IngestionJob.Status))}} = {3} AND j.{{C(nameof(IngestionJob.NotBefore))}} <= {2})
                    OR (j.{{C(nameof(IngestionJob.Status))}} = {4} AND j.{{C(nameof(IngestionJob.LeaseExpiresAt))}} < {2}))
                  AND NOT EXISTS (
                    SELECT 1 FROM {{table}} o
                    WHERE o.{{C(nameof(IngestionJob.DocumentId))}} = j.{{C(nameof(IngestionJob.DocumentId))}}
                      AND o.{{C(nameof(IngestionJob.Id))}} <> j.{{C(nameof(IngestionJob.Id))}}
                      AND o.{{C(nameof(IngestionJob.Status))}} = {4} AND o.{{C(nameof(IngestionJob.LeaseExpiresAt))}} >= {2})
                  AND NOT EXISTS (
                    SELECT 1 FROM "{{tenants.GetTableName()}}" t
                    WHERE t.{{T(nameof(Tenant.Id))}} = j.{{C(nameof(IngestionJob.TenantId))}} AND t.{{T(nameof(Tenant.SuspendedAt))}} IS NOT NULL)
                ORDER BY j.{{C(nameof(IngestionJob.NotBefore))}}
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING {{C(nameof(IngestionJob.Id))}} AS "Value"
            """;
    }
}
