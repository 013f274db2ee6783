using System.Diagnostics;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>The worker process killed mid-ingestion (SIGKILL), then stopped gracefully (SIGTERM): nothing is lost or duplicated.</summary>
public sealed class WorkerCrashTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private const int DocumentCount = 200;

    // The test runs a server without workers, then kills and restarts worker processes on the same data.
    protected override bool StartsServer => false;

    private static string Document(int i) => $"""
        # Service bulletin {i}

        ## Symptom
        Unit batch {i} may show error code E{i % 12 + 1:D2} after firmware {i % 5}.{i % 7}. Customers report the fault after {i + 3} hours of use.

        ## Remedy
        Reset the unit, install firmware {i % 5}.{i % 7 + 1} and recalibrate sensor {i % 4}. Escalate bulletin {i} to tier two if it persists.
        """;

    private KnowledgeDbContext Db() =>
        new SqliteKnowledgeDbContext(new DbContextOptionsBuilder<SqliteKnowledgeDbContext>().UseSqlite($"Data Source={Path.Combine(DataPath, "knowledge.db")};Pooling=False").Options);

    private async Task<int> ReadyCountAsync()
    {
        await using var db = Db();
        return await db.Documents.CountAsync(d => d.Status == DocumentStatus.Ready, Ct);
    }

    private Process StartWorker() => Support.WorkerProcess.Start(DataPath);

    private async Task WaitUntilAsync(Func<int, bool> condition, Process worker, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(await ReadyCountAsync()))
        {
            Assert.False(worker.HasExited, $"the worker exited with code {(worker.HasExited ? worker.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, $"timed out with {await ReadyCountAsync()} of {DocumentCount} ready");
            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task A_killed_worker_resumes_and_every_chunk_is_indexed_exactly_once()
    {
        // Queue the documents through the real API, with no worker in the server.
        await using (var api = new PlatformHost(DataPath, new Dictionary<string, string> { ["Ingestion:Workers"] = "0" }))
        {
            var key = await api.CreateTenantAsync("acme", "bulletins", Ct);
            using var client = api.Client(key);
            for (var i = 0; i < DocumentCount; i++)
            {
                using var response = await PlatformHost.UploadAsync(client, "bulletins", $"bulletin-{i:D3}.md", Document(i), Ct);
                response.EnsureSuccessStatusCode();
            }
        }

        var first = StartWorker();
        await WaitUntilAsync(ready => ready >= 30, first, TimeSpan.FromMinutes(3));
        first.Kill(); // SIGKILL: no chance to clean up
        await first.WaitForExitAsync(Ct);
        Assert.InRange(await ReadyCountAsync(), 30, DocumentCount - 1);

        var second = StartWorker();
        await WaitUntilAsync(ready => ready >= 100, second, TimeSpan.FromMinutes(3));
        using (var term = Process.Start("kill", ["-TERM", second.Id.ToString()])) await term.WaitForExitAsync(Ct);
        await second.WaitForExitAsync(Ct);
        Assert.Equal(0, second.ExitCode);
        // The stopped worker gave its jobs back. (A job of the killed worker may still wait out its lease.)
        var stoppedWorker = $":{second.Id}:";
        await using (var db = Db())
            Assert.Equal(0, await db.IngestionJobs.CountAsync(j => j.Status == JobStatus.Running && j.LeasedBy!.Contains(stoppedWorker), Ct));

        var third = StartWorker();
        await WaitUntilAsync(ready => ready == DocumentCount, third, TimeSpan.FromMinutes(5));
        using (var term = Process.Start("kill", ["-TERM", third.Id.ToString()])) await term.WaitForExitAsync(Ct);
        await third.WaitForExitAsync(Ct);

        await using var check = Db();
        var documents = await check.Documents.ToListAsync(Ct);
        Assert.All(documents, d => Assert.Equal((DocumentStatus.Ready, (int?)1), (d.Status, d.IndexedVersion)));
        Assert.All(await check.IngestionJobs.ToListAsync(Ct), j => Assert.Equal(JobStatus.Succeeded, j.Status));
        var chunks = await check.Chunks.ToListAsync(Ct);
        Assert.Equal(documents.Sum(d => d.ChunkCount), chunks.Count);
        Assert.Equal(chunks.Count, chunks.Select(c => c.Id).Distinct().Count());

        // Opened as it was left on disk, without the start-up repair.
        using var index = new EmbeddedChunkIndex(Path.Combine(DataPath, "index"));
        var (rows, vectors) = index.Inventory();
        var kb = Assert.Single(rows.Keys);
        Assert.Equal(chunks.Count, rows[kb]);
        Assert.Equal(chunks.Count, vectors[kb]);
        var tenant = documents[0].TenantId;
        foreach (var sample in documents.Take(20))
        {
            var hits = await index.SearchKeywordAsync(new ChunkFilter(tenant, [kb]) { DocumentIds = [sample.Id] }, "bulletin remedy symptom", 50, Ct);
            Assert.Equal(sample.ChunkCount, hits.Count);
        }
    }
}
