using System.Collections.Concurrent;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Several workers share one job queue in the database; each job is processed exactly once.</summary>
public abstract class JobClaimingTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : JobClaimingTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : JobClaimingTests(TestDatabase.Postgres(server));

    private const int Jobs = 60;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TestPlatform _platform = new(database);

    public async ValueTask InitializeAsync()
    {
        await _platform.CreateDatabaseAsync(_ct);
        await using var db = database.NewContext();
        await MetadataDatabase.MigrateAsync(db, NullLogger.Instance, _ct);
    }

    public ValueTask DisposeAsync() => _platform.DisposeAsync();

    private async Task<List<string>> EnqueueAsync(int count)
    {
        await using var db = database.NewContext();
        db.Tenants.Add(new Tenant { Id = "acme", Name = "Acme" });
        var kb = new KnowledgeBase { Id = "kb_1", TenantId = "acme", Name = "support", EmbeddingModel = "m", EmbeddingDimension = 4 };
        db.KnowledgeBases.Add(kb);
        await db.SaveChangesAsync(_ct);
        var store = new EfIngestionStore(db, TimeProvider.System);
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var document = new Document
            {
                Id = $"doc_{i:D3}", TenantId = "acme", KnowledgeBaseId = kb.Id, FileName = $"f{i}.md", Format = "Markdown",
                SizeBytes = 1, ContentHash = "h", StorageKey = $"k{i}",
            };
            var job = new IngestionJob { Id = $"job_{i:D3}", TenantId = "acme", DocumentId = document.Id, DocumentVersion = 1, NotBefore = DateTimeOffset.UtcNow.AddSeconds(-1) };
            await store.EnqueueAsync(document, job, _ct);
            ids.Add(job.Id);
        }
        return ids;
    }

    /// <summary>One worker: its own connection, claiming and finishing jobs until the queue is empty.</summary>
    private async Task WorkAsync(string workerId, ConcurrentBag<(string Worker, string Job)> processed)
    {
        await Task.Yield();
        while (true)
        {
            await using var db = database.NewContext();
            var store = new EfIngestionStore(db, TimeProvider.System);
            var work = await store.ClaimNextAsync(workerId, TimeSpan.FromMinutes(5), _ct);
            if (work is null) return;
            processed.Add((workerId, work.Job.Id));
            // A job takes time, as ingestion does: the loops interleave instead of one draining the queue alone.
            await Task.Delay(10, _ct);
            await store.CompleteStepAsync(work.Job.Id, "embed", _ct);
            Assert.True(await store.SucceedAsync(work.Job.Id, work.Document.Id, work.Job.DocumentVersion, _ct));
        }
    }

    [Fact]
    public async Task Two_workers_draining_one_queue_never_process_the_same_job_twice()
    {
        var enqueued = await EnqueueAsync(Jobs);
        var processed = new ConcurrentBag<(string Worker, string Job)>();

        // Two workers with two loops each, as two worker processes with Ingestion:Workers=2 would run.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => WorkAsync($"worker-{i % 2}:{i}", processed)));

        var jobs = processed.Select(p => p.Job).ToList();
        Assert.Equal(jobs.Count, jobs.Distinct().Count());
        Assert.Equal(enqueued.Order(), jobs.Order());
        Assert.True(processed.Select(p => p.Worker[..8]).Distinct().Count() == 2, "both workers should have taken jobs");
        await using var db = database.NewContext();
        var attempts = await db.IngestionJobs.Select(j => new { j.Status, j.Attempts }).ToListAsync(_ct);
        Assert.All(attempts, a => Assert.Equal((JobStatus.Succeeded, 1), (a.Status, a.Attempts)));
        Assert.Equal(Jobs, await db.Documents.CountAsync(d => d.Status == DocumentStatus.Ready, _ct));
    }

    [Fact]
    public async Task A_job_whose_lease_expired_is_claimed_again_and_one_still_leased_is_not()
    {
        await EnqueueAsync(2);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var db = database.NewContext();
        var store = new EfIngestionStore(db, clock);
        var crashed = await store.ClaimNextAsync("crashed", TimeSpan.FromMinutes(1), _ct);
        var busy = await store.ClaimNextAsync("busy", TimeSpan.FromMinutes(10), _ct);

        clock.Now += TimeSpan.FromMinutes(2);
        var resumed = await store.ClaimNextAsync("rescuer", TimeSpan.FromMinutes(5), _ct);

        Assert.NotEqual(crashed?.Job.Id, busy?.Job.Id);
        Assert.Equal(crashed?.Job.Id, resumed?.Job.Id);
        Assert.Equal(2, resumed!.Job.Attempts);
        Assert.Equal("rescuer", resumed.Job.LeasedBy);
        Assert.Null(await store.ClaimNextAsync("idle", TimeSpan.FromMinutes(5), _ct));
    }

    [Fact]
    public async Task A_suspended_tenants_jobs_wait_queued_until_it_is_resumed()
    {
        await EnqueueAsync(1);
        await using var db = database.NewContext();
        var store = new EfIngestionStore(db, TimeProvider.System);
        await db.Tenants.Where(t => t.Id == "acme").ExecuteUpdateAsync(s => s.SetProperty(t => t.SuspendedAt, DateTimeOffset.UtcNow), _ct);

        Assert.Null(await store.ClaimNextAsync("worker", TimeSpan.FromMinutes(5), _ct));
        Assert.Equal(JobStatus.Queued, (await db.IngestionJobs.AsNoTracking().SingleAsync(_ct)).Status);

        await db.Tenants.Where(t => t.Id == "acme").ExecuteUpdateAsync(s => s.SetProperty(t => t.SuspendedAt, (DateTimeOffset?)null), _ct);
        var resumed = await store.ClaimNextAsync("worker", TimeSpan.FromMinutes(5), _ct);
        Assert.Equal("job_000", resumed?.Job.Id);
        Assert.Equal(1, resumed!.Job.Attempts);
    }

    [Fact]
    public async Task A_suspended_tenants_source_syncs_wait_queued_until_it_is_resumed()
    {
        await EnqueueAsync(0);
        await using var db = database.NewContext();
        db.Sources.Add(new Source { Id = "src_1", TenantId = "acme", KnowledgeBaseId = "kb_1", Name = "manuals", Kind = SourceKind.Web });
        db.SyncRuns.Add(new SyncRun { Id = "run_1", TenantId = "acme", SourceId = "src_1", KnowledgeBaseId = "kb_1" });
        await db.SaveChangesAsync(_ct);
        var store = new EfSourceStore(db, TimeProvider.System);
        await db.Tenants.Where(t => t.Id == "acme").ExecuteUpdateAsync(s => s.SetProperty(t => t.SuspendedAt, DateTimeOffset.UtcNow), _ct);

        Assert.Null(await store.ClaimNextAsync("worker", TimeSpan.FromMinutes(5), _ct));

        await db.Tenants.Where(t => t.Id == "acme").ExecuteUpdateAsync(s => s.SetProperty(t => t.SuspendedAt, (DateTimeOffset?)null), _ct);
        Assert.Equal("run_1", (await store.ClaimNextAsync("worker", TimeSpan.FromMinutes(5), _ct))?.Run.Id);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
