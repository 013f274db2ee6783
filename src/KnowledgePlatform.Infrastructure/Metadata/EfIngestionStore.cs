using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>Jobs, documents and chunks in the metadata database.</summary>
public sealed class EfIngestionStore(KnowledgeDbContext db, TimeProvider clock) : IIngestionStore
{
    public async Task EnqueueAsync(Document document, IngestionJob job, CancellationToken cancellationToken)
    {
        // One SaveChanges is one transaction: the document never exists without its job.
        db.Documents.Add(document);
        db.IngestionJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    public async Task<IngestionWork?> ClaimNextAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var jobId = db.Database.IsNpgsql()
            ? await ClaimWithSkipLockedAsync(workerId, now, lease, cancellationToken)
            : await ClaimWithConditionalUpdateAsync(workerId, now, lease, cancellationToken);
        if (jobId is null) return null;

        var job = await db.IngestionJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, cancellationToken);
        var document = await db.Documents.AsNoTracking().SingleAsync(d => d.Id == job.DocumentId, cancellationToken);
        var kb = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.Id == document.KnowledgeBaseId, cancellationToken);
        await db.Documents.Where(d => d.Id == document.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DocumentStatus.Processing).SetProperty(d => d.UpdatedAt, now), cancellationToken);
        return new IngestionWork(job, document, kb);
    }

    /// <summary>
    /// PostgreSQL: one statement locks the first due row that no other worker holds and takes it, so
    /// concurrent workers never wait on or retry over the same job (decision 0021).
    /// </summary>
    private async Task<string?> ClaimWithSkipLockedAsync(string workerId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var sql = ClaimSql.Postgres(db.Model.FindEntityType(typeof(IngestionJob))!);
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

    public Task ReportProgressAsync(string jobId, string documentId, string step, int percent, CancellationToken cancellationToken) =>
        db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Step, step)
            .SetProperty(d => d.ProgressPercent, percent)
            .SetProperty(d => d.UpdatedAt, clock.GetUtcNow()), cancellationToken);

    public Task CompleteStepAsync(string jobId, string step, CancellationToken cancellationToken) =>
        db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.CompletedStep, step), cancellationToken);

    public Task SaveChunksAsync(string documentId, string? title, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken) =>
        InTransactionAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await db.Chunks.Where(c => c.DocumentId == documentId).ExecuteDeleteAsync(ct);
            db.Chunks.AddRange(chunks);
            await db.SaveChangesAsync(ct);
            await db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Title, title)
                .SetProperty(d => d.ChunkCount, chunks.Count), ct);
            return true;
        }, cancellationToken);

    public async Task<IReadOnlyList<Chunk>> LoadChunksAsync(string documentId, CancellationToken cancellationToken) =>
        await db.Chunks.AsNoTracking().Where(c => c.DocumentId == documentId).OrderBy(c => c.Ordinal).ToListAsync(cancellationToken);

    public Task<bool> SucceedAsync(string jobId, string documentId, CancellationToken cancellationToken) =>
        InTransactionAsync(async ct =>
        {
            await db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Succeeded)
                .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(j => j.Error, (string?)null), ct);
            var updated = await db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DocumentStatus.Ready)
                .SetProperty(d => d.ProgressPercent, 100)
                .SetProperty(d => d.Error, (string?)null)
                .SetProperty(d => d.UpdatedAt, clock.GetUtcNow()), ct);
            return updated == 1;
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
            await db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, retryAfter is null ? DocumentStatus.Failed : DocumentStatus.Queued)
                .SetProperty(d => d.Error, reason)
                .SetProperty(d => d.UpdatedAt, now), ct);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs the work in one transaction inside the provider's execution strategy, which retries the
    /// whole unit on a transient failure (PostgreSQL); a retrying strategy refuses bare transactions.
    /// </summary>
    private Task<T> InTransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var result = await work(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            return result;
        }, cancellationToken);
}

/// <summary>The PostgreSQL claim statement, with table and column names taken from the EF model.</summary>
internal static class ClaimSql
{
    /// <summary>Parameters: {0} worker id, {1} lease expiry, {2} now, {3} queued status, {4} running status.</summary>
    public static string Postgres(Microsoft.EntityFrameworkCore.Metadata.IEntityType jobs)
    {
        var table = $"\"{jobs.GetTableName()}\"";
        string C(string property) => $"\"{jobs.FindProperty(property)!.GetColumnName()}\"";
        return $$"""
            UPDATE {{table}} SET {{C(nameof(IngestionJob.Status))}} = {4}, {{C(nameof(IngestionJob.LeasedBy))}} = {0},
                   {{C(nameof(IngestionJob.LeaseExpiresAt))}} = {1}, {{C(nameof(IngestionJob.Attempts))}} = {{C(nameof(IngestionJob.Attempts))}} + 1
            WHERE {{C(nameof(IngestionJob.Id))}} = (
                SELECT {{C(nameof(IngestionJob.Id))}} FROM {{table}}
                WHERE ({{C(nameof(IngestionJob.Status))}} = {3} AND {{C(nameof(IngestionJob.NotBefore))}} <= {2})
                   OR ({{C(nameof(IngestionJob.Status))}} = {4} AND {{C(nameof(IngestionJob.LeaseExpiresAt))}} < {2})
                ORDER BY {{C(nameof(IngestionJob.NotBefore))}}
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING {{C(nameof(IngestionJob.Id))}} AS "Value"
            """;
    }
}
