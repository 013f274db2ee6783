using System.Diagnostics;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>The worker process killed (SIGKILL) in the middle of a sync and started again: every page ends up exactly once (decision 80).</summary>
public sealed class SourceSyncCrashTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private const int Pages = 120;

    // The test runs a server without workers, then kills and restarts worker processes on the same data.
    protected override bool StartsServer => false;
    private LoopbackSite _site = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _site = await LoopbackSite.StartAsync();
        for (var i = 0; i < Pages; i++)
            _site.Set($"/manual/page-{i:D3}", LoopbackSite.Html($"Bulletin {i}", $"Unit batch {i} shows error E{i % 12 + 1:D2}; install firmware {i % 5}.{i % 7} and recalibrate sensor {i % 4}."));
        _site.SetSitemap("/manual/sitemap.xml", Enumerable.Range(0, Pages).Select(i => $"/manual/page-{i:D3}"));
        // Slow enough that the kill lands mid-sync.
        _site.Delay = TimeSpan.FromMilliseconds(40);
    }

    public override async ValueTask DisposeAsync()
    {
        await _site.DisposeAsync();
        await base.DisposeAsync();
    }

    private KnowledgeDbContext Db() =>
        new SqliteKnowledgeDbContext(new DbContextOptionsBuilder<SqliteKnowledgeDbContext>().UseSqlite($"Data Source={Path.Combine(DataPath, "knowledge.db")};Pooling=False").Options);

    private Process StartWorker() => WorkerProcess.Start(DataPath, new Dictionary<string, string>
    {
        ["Sources__Lease"] = "00:00:03",
        ["Sources__PollInterval"] = "00:00:00.200",
        ["Sources__AllowPrivateNetworks"] = "true",
    });

    private async Task WaitUntilAsync(Func<KnowledgeDbContext, Task<bool>> condition, Process worker, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await using (var db = Db())
                if (await condition(db)) return;
            Assert.False(worker.HasExited, $"the worker exited with code {(worker.HasExited ? worker.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task A_sync_killed_half_way_resumes_and_ends_with_every_page_exactly_once()
    {
        // Queue the sync through the real API, with no workers in the server.
        await using (var api = new PlatformHost(DataPath, new Dictionary<string, string> { ["Ingestion:Workers"] = "0", ["Sources:Workers"] = "0", ["Sources:AllowPrivateNetworks"] = "true" }))
        {
            using var client = api.Client(await api.CreateTenantAsync("acme", "manuals", Ct));
            await new SourceClient(client, "manuals").CreateWebAsync(_site.Url("/manual/sitemap.xml"), TimeSpan.Zero, Ct);
        }

        var first = StartWorker();
        await WaitUntilAsync(async db => await db.SyncEntries.CountAsync(e => e.Outcome != SyncOutcome.Pending, Ct) >= 40, first, TimeSpan.FromMinutes(3), "40 pages read");
        first.Kill(); // SIGKILL: no chance to give the sync back
        await first.WaitForExitAsync(Ct);
        int atKill;
        await using (var db = Db())
        {
            Assert.Equal(SyncRunStatus.Running, (await db.SyncRuns.SingleAsync(Ct)).Status);
            atKill = await db.SyncEntries.CountAsync(e => e.Outcome != SyncOutcome.Pending, Ct);
            Assert.InRange(atKill, 40, Pages - 1);
        }

        var second = StartWorker();
        await WaitUntilAsync(async db => (await db.SyncRuns.SingleAsync(Ct)).Status == SyncRunStatus.Succeeded
            && await db.Documents.CountAsync(d => d.Status == DocumentStatus.Ready, Ct) == Pages, second, TimeSpan.FromMinutes(5), "the sync and its documents");
        using (var term = Process.Start("kill", ["-TERM", second.Id.ToString()])) await term.WaitForExitAsync(Ct);
        await second.WaitForExitAsync(Ct);

        await using var check = Db();
        var run = await check.SyncRuns.SingleAsync(Ct);
        Assert.Equal((2, Pages, Pages, 0, 0), (run.Attempts, run.Discovered, run.Added, run.Updated, run.Failed));
        var pages = Enumerable.Range(0, Pages).Select(i => _site.Url($"/manual/page-{i:D3}")).ToList();
        var entries = await check.SyncEntries.ToListAsync(Ct);
        Assert.Equal(pages, entries.Select(e => e.Key).Order());
        Assert.All(entries, e => Assert.Equal(SyncOutcome.Added, e.Outcome));
        var documents = await check.Documents.ToListAsync(Ct);
        Assert.Equal(pages, documents.Select(d => d.FileName).Order());
        Assert.All(documents, d => Assert.Equal((1, (int?)1, DocumentStatus.Ready), (d.Version, d.IndexedVersion, d.Status)));
        Assert.Equal(Pages, await check.SourceItems.CountAsync(Ct));
        var jobs = await check.IngestionJobs.ToListAsync(Ct);
        Assert.Equal(Pages, jobs.Count);
        Assert.All(jobs, j => Assert.Equal(JobStatus.Succeeded, j.Status));
        var chunks = await check.Chunks.ToListAsync(Ct);
        Assert.Equal(documents.Sum(d => d.ChunkCount), chunks.Count);

        // The second worker went on from the frontier: at most the page in hand at the kill was fetched twice.
        var refetched = pages.Count(p => _site.Count(new Uri(p).PathAndQuery).Served > 1);
        Assert.InRange(refetched, 0, 1);
        TestSummary.Report($"sync killed after {atKill} of {Pages} pages; resumed: every page once, {refetched} fetched twice");
    }
}
