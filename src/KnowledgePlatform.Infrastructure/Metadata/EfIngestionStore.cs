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

    public async Task EnqueueAsync(Document document, IngestionJob job, CancellationToken cancellationToken)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
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
                    .SetProperty(j => j.Error, $"Superseded by version {document.Version}."), cancellationToken);
        }
        db.IngestionJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    public async Task<IngestionWork?> ClaimNextAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Optimistic claim: pick a due candidate, then take it with a conditional update; whoever
        // updates the row first owns it. Safe across processes on SQLite and PostgreSQL alike.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var candidate = await db.IngestionJobs.AsNoTracking()
                .Where(j => (j.Status == JobStatus.Queued && j.NotBefore <= now) || (j.Status == JobStatus.Running && j.LeaseExpiresAt < now))
                // One live job per document: versions are ingested in order, never side by side.
                .Where(j => !db.IngestionJobs.Any(o => o.DocumentId == j.DocumentId && o.Id != j.Id && o.Status == JobStatus.Running && o.LeaseExpiresAt >= now))
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
            if (claimed == 0) continue;

            var job = await db.IngestionJobs.AsNoTracking().SingleAsync(j => j.Id == candidate.Id, cancellationToken);
            var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == job.DocumentId, cancellationToken);
            if (document is null) continue; // deleted meanwhile: its jobs go with it
            if (document.Version != job.DocumentVersion)
            {
                await FailAsync(job.Id, document.Id, $"Superseded by version {document.Version}.", null, cancellationToken);
                continue;
            }
            var kb = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.Id == document.KnowledgeBaseId, cancellationToken);
            await db.Documents.Where(d => d.Id == document.Id && d.Version == job.DocumentVersion)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DocumentStatus.Processing).SetProperty(d => d.UpdatedAt, now), cancellationToken);
            return new IngestionWork(job, document, kb) { Policy = await db.PolicyOfAsync(document.TenantId, cancellationToken) };
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

    public async Task SaveChunksAsync(string documentId, int version, string? title, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken)
    {
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        // Only this version's chunks are replaced: the indexed version keeps serving until the swap.
        await db.Chunks.Where(c => c.DocumentId == documentId && c.Version == version).ExecuteDeleteAsync(cancellationToken);
        db.Chunks.AddRange(chunks);
        await db.SaveChangesAsync(cancellationToken);
        await db.Documents.Where(d => d.Id == documentId && d.Version == version).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Title, title)
            .SetProperty(d => d.ChunkCount, chunks.Count), cancellationToken);
        await tx.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    public async Task<IReadOnlyList<Chunk>> LoadChunksAsync(string documentId, int version, CancellationToken cancellationToken) =>
        await db.Chunks.AsNoTracking().Where(c => c.DocumentId == documentId && c.Version == version).OrderBy(c => c.Ordinal).ToListAsync(cancellationToken);

    public async Task<bool> SucceedAsync(string jobId, string documentId, int version, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, JobStatus.Succeeded)
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(j => j.Error, (string?)null), cancellationToken);
        var exists = await db.Documents.Where(d => d.Id == documentId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.IndexedVersion, version).SetProperty(d => d.UpdatedAt, now), cancellationToken) == 1;
        // Ready only if no newer version arrived while this one was ingested.
        await db.Documents.Where(d => d.Id == documentId && d.Version == version).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, DocumentStatus.Ready)
            .SetProperty(d => d.ProgressPercent, 100)
            .SetProperty(d => d.Error, (string?)null), cancellationToken);
        await db.Chunks.Where(c => c.DocumentId == documentId && c.Version < version).ExecuteDeleteAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return exists;
    }

    public async Task FailAsync(string jobId, string documentId, string reason, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.IngestionJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, retryAfter is null ? JobStatus.Failed : JobStatus.Queued)
            .SetProperty(j => j.NotBefore, now + (retryAfter ?? TimeSpan.Zero))
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(j => j.Error, reason), cancellationToken);
        // The document's status follows its latest version only.
        await db.Documents
            .Where(d => d.Id == documentId && db.IngestionJobs.Any(j => j.Id == jobId && j.DocumentVersion == d.Version))
            .ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, retryAfter is null ? DocumentStatus.Failed : DocumentStatus.Queued)
            .SetProperty(d => d.Error, reason)
            .SetProperty(d => d.UpdatedAt, now), cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public Task ReleaseAsync(string jobId, CancellationToken cancellationToken) =>
        db.IngestionJobs.Where(j => j.Id == jobId && j.Status == JobStatus.Running).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, JobStatus.Queued)
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(j => j.NotBefore, clock.GetUtcNow())
            // An interrupted attempt is not a failed one.
            .SetProperty(j => j.Attempts, j => j.Attempts - 1), cancellationToken);
}
