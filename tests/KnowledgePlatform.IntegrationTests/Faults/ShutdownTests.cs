using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Faults;

/// <summary>
/// Graceful shutdown (what SIGTERM triggers: the host stops) while documents are being ingested: in-flight jobs
/// finish or go back to the queue, nothing half-indexed is visible, and a restarted server completes the rest.
/// </summary>
public abstract class ShutdownTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite() : ShutdownTests(TestPlatform.Owned(TestDatabase.Sqlite()));

    public sealed class OnPostgres(PostgresServer server) : ShutdownTests(TestPlatform.Owned(TestDatabase.Postgres(server)));

    private const int Documents = 24;

    // The test stops its server mid-ingestion and starts another itself.
    protected override bool StartsServer => false;

    [Fact]
    public async Task A_graceful_stop_during_ingestion_leaves_no_claimed_job_and_no_partial_chunk_set_and_a_restart_finishes_the_rest()
    {
        var settings = Database.With(new Dictionary<string, string> { ["Ingestion:Workers"] = "2" });
        string key;
        await using (var first = new PlatformHost(DataPath, settings))
        {
            key = await first.CreateTenantAsync("acme", "support", Ct);
            using var client = first.Client(key);
            await Ingestion.UploadAsync(client, Documents, Ct);
            await Ingestion.WaitUntilAsync(first, ready => ready >= 2, TimeSpan.FromMinutes(2), Ct);
            await first.DisposeAsync(); // graceful: the host stops its workers as on SIGTERM
        }

        await using (var db = Database.NewContext())
        {
            var jobs = await db.IngestionJobs.AsNoTracking().ToListAsync(Ct);
            Assert.Equal(Documents, jobs.Count);
            // Every job either finished or went back to the queue: none stays running for the stopped server.
            Assert.All(jobs, j => Assert.True(j.Status is JobStatus.Succeeded or JobStatus.Queued, $"{j.DocumentId}: {j.Status}"));
            Assert.Contains(jobs, j => j.Status == JobStatus.Queued);
            // An indexed document has exactly its chunk set; the others are not visible yet (whatever their jobs staged).
            var indexed = 0;
            foreach (var document in await db.Documents.AsNoTracking().Where(d => d.IndexedVersion != null).ToListAsync(Ct))
            {
                Assert.Equal(document.ChunkCount, await db.Chunks.CountAsync(c => c.DocumentId == document.Id && c.Version == document.IndexedVersion, Ct));
                indexed++;
            }
            Assert.InRange(indexed, 2, Documents - 1);
        }

        await using var second = new PlatformHost(DataPath, settings);
        using var again = second.Client(key);
        await Ingestion.WaitUntilAsync(second, ready => ready == Documents, TimeSpan.FromMinutes(3), Ct);
        await Ingestion.AssertEachDocumentIndexedOnceAsync(second, Documents, Ct);
        await Ingestion.AssertSearchFindsAsync(again, 0, Ct);
        await Ingestion.AssertSearchFindsAsync(again, Documents - 1, Ct);
    }
}
