using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Pipeline;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>What was ingested survives a restart, without re-embedding; lost index files are rebuilt from the database.</summary>
public abstract class RestartTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite() : RestartTests(TestPlatform.Owned(TestDatabase.Sqlite()));

    public sealed class OnPostgres(PostgresServer server) : RestartTests(TestPlatform.Owned(TestDatabase.Postgres(server)));

    // The tests start and stop their servers themselves, with the settings each step needs.
    protected override bool StartsServer => false;

    private PlatformHost StartHost() => new(DataPath, Database.Settings);

    private async Task<string> TopFileAsync(HttpClient client, string query)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query }, Ct);
        response.EnsureSuccessStatusCode();
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return result.GetProperty("hits")[0].GetProperty("fileName").GetString()!;
    }

    private static async Task<(int Attempts, DateTimeOffset Updated)> IngestionRecordAsync(PlatformHost host, CancellationToken ct)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var attempts = await db.IngestionJobs.SumAsync(j => j.Attempts, ct);
        var updated = (await db.Documents.ToListAsync(ct)).Max(d => d.UpdatedAt);
        return (attempts, updated);
    }

    [Fact]
    public async Task Ingested_documents_stay_searchable_after_a_restart_and_after_losing_the_index_files()
    {
        string key;
        (int, DateTimeOffset) before;
        await using (var first = StartHost())
        {
            key = await first.CreateTenantAsync("acme", "support", Ct);
            using var client = first.Client(key);
            foreach (var (name, text) in new[] { ("returns-policy.md", ApiJourneyTests.ReturnsPolicy), ("thermostat-install.md", ApiJourneyTests.ThermostatGuide) })
            {
                using var upload = await PlatformHost.UploadAsync(client, "support", name, text, Ct);
                var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>(Ct);
                await PlatformHost.WaitForIngestionAsync(client, accepted.GetProperty("statusUrl").GetString()!, Ct);
            }
            Assert.Equal("returns-policy.md", await TopFileAsync(client, "refund to the original payment method"));
            before = await IngestionRecordAsync(first, Ct);
        }

        await using (var second = StartHost())
        {
            using var client = second.Client(key);
            Assert.Equal("returns-policy.md", await TopFileAsync(client, "refund to the original payment method"));
            Assert.Equal("thermostat-install.md", await TopFileAsync(client, "C wire constant power"));
            // Nothing was ingested again: no new attempts, no document touched.
            Assert.Equal(before, await IngestionRecordAsync(second, Ct));
        }

        Directory.Delete(Path.Combine(DataPath, "index"), recursive: true);

        await using (var third = StartHost())
        {
            using var client = third.Client(key);
            Assert.Equal("thermostat-install.md", await TopFileAsync(client, "C wire constant power"));
            Assert.Equal("returns-policy.md", await TopFileAsync(client, "refund to the original payment method"));
            Assert.Equal(before, await IngestionRecordAsync(third, Ct));
            await using var scope = third.Services.CreateAsyncScope();
            var ready = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Documents.CountAsync(d => d.Status == DocumentStatus.Ready, Ct);
            Assert.Equal(2, ready);
        }
    }

    [Fact]
    public async Task A_job_stopped_after_writing_the_index_is_indexed_again_after_the_start_up_repair()
    {
        string key;
        await using (var first = new PlatformHost(DataPath, Database.With(new Dictionary<string, string> { ["Ingestion:Workers"] = "0" })))
        {
            key = await first.CreateTenantAsync("acme", "support", Ct);
            using var client = first.Client(key);
            (await PlatformHost.UploadAsync(client, "support", "returns-policy.md", ApiJourneyTests.ReturnsPolicy, Ct)).EnsureSuccessStatusCode();
            (await PlatformHost.UploadAsync(client, "support", "thermostat-install.md", ApiJourneyTests.ThermostatGuide, Ct)).EnsureSuccessStatusCode();

            await using var scope = first.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            Assert.True(await services.GetRequiredService<IngestionRunner>().RunNextAsync("test", Ct));

            // The second job is stopped (shutdown) after its index write, just before the document is marked
            // ready: the index holds rows the database does not count as indexed yet.
            using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var store = new StopBeforeSucceeding(services.GetRequiredService<IIngestionStore>(), shutdown);
            var runner = new IngestionRunner(services.GetServices<IIngestionStep>(), store, services.GetRequiredService<IChunkIndex>(),
                services.GetRequiredService<IOptions<IngestionOptions>>(), NullLogger<IngestionRunner>());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunNextAsync("test", shutdown.Token));
            Assert.True(store.Stopped);
        }

        // The restart repairs the index from the indexed versions (dropping the unconfirmed rows), then the
        // worker resumes the job: its document must end ready and searchable, not ready and missing.
        await using var second = StartHost();
        using var secondClient = second.Client(key);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (await ReadyCountAsync(second) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the resumed job did not finish within a minute");
            await Task.Delay(100, Ct);
        }
        Assert.Equal("thermostat-install.md", await TopFileAsync(secondClient, "C wire constant power"));
        Assert.Equal("returns-policy.md", await TopFileAsync(secondClient, "refund to the original payment method"));
    }

    private async Task<int> ReadyCountAsync(PlatformHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Documents.CountAsync(d => d.Status == DocumentStatus.Ready, Ct);
    }

    private static ILogger<T> NullLogger<T>() => Microsoft.Extensions.Logging.Abstractions.NullLogger<T>.Instance;

    /// <summary>The real store, with a shutdown arriving just before a job would succeed.</summary>
    private sealed class StopBeforeSucceeding(IIngestionStore inner, CancellationTokenSource shutdown) : IIngestionStore
    {
        public bool Stopped { get; private set; }

        public async Task<bool> SucceedAsync(string jobId, string documentId, int version, CancellationToken cancellationToken)
        {
            Stopped = true;
            await shutdown.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            return await inner.SucceedAsync(jobId, documentId, version, cancellationToken);
        }

        public Task<Document?> FindBySourceAsync(string tenantId, string knowledgeBaseId, string fileName, CancellationToken cancellationToken) =>
            inner.FindBySourceAsync(tenantId, knowledgeBaseId, fileName, cancellationToken);

        public Task<Document?> FindAsync(string tenantId, string documentId, CancellationToken cancellationToken) => inner.FindAsync(tenantId, documentId, cancellationToken);

        public Task<bool> EnqueueAsync(Document document, IngestionJob job, CancellationToken cancellationToken) => inner.EnqueueAsync(document, job, cancellationToken);

        public Task<IngestionWork?> ClaimNextAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken) =>
            inner.ClaimNextAsync(workerId, lease, cancellationToken);

        public Task ReportProgressAsync(string jobId, string documentId, string step, int percent, TimeSpan lease, CancellationToken cancellationToken) =>
            inner.ReportProgressAsync(jobId, documentId, step, percent, lease, cancellationToken);

        public Task CompleteStepAsync(string jobId, string step, CancellationToken cancellationToken) => inner.CompleteStepAsync(jobId, step, cancellationToken);

        public Task SaveChunksAsync(string documentId, int version, string? title, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken) =>
            inner.SaveChunksAsync(documentId, version, title, chunks, cancellationToken);

        public Task RecordRecognitionAsync(string documentId, int version, TextRecognition? recognition, CancellationToken cancellationToken) =>
            inner.RecordRecognitionAsync(documentId, version, recognition, cancellationToken);

        public Task<IReadOnlyList<Chunk>> LoadChunksAsync(string documentId, int version, CancellationToken cancellationToken) =>
            inner.LoadChunksAsync(documentId, version, cancellationToken);

        public Task FailAsync(string jobId, string documentId, string reason, TimeSpan? retryAfter, CancellationToken cancellationToken) =>
            inner.FailAsync(jobId, documentId, reason, retryAfter, cancellationToken);

        public Task ReleaseAsync(string jobId, CancellationToken cancellationToken) => inner.ReleaseAsync(jobId, cancellationToken);
    }
}
