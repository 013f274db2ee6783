using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>
/// Queuing a sync against a metadata database that stays busy: only the unique index on a source's active sync means
/// another caller queued one first. A busy database used to pass for that too, and after three tries the sync endpoint
/// answered 404 for a source that exists (resume and creation answered success without a sync). The stall is injected:
/// a second connection holds SQLite's write lock for longer than the host's lock timeout.
/// </summary>
/// <remarks>Each test has a server of its own: its database times out after one second.</remarks>
public sealed class SourceQueueBusyDatabaseTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private string _sourceId = null!;

    protected override string KnowledgeBase => "help";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(SourceClient.Settings())
    {
        ["Storage:ConnectionString"] = $"Data Source={Path.Combine(DataPath, "knowledge.db")};Pooling=True;Default Timeout=1",
        // No sync runs here: the test looks only at what gets queued.
        ["Sources:Workers"] = "0",
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var source = await new SourceClient(Admin, "help").CreateAsync(new { name = "help centre", kind = "web", syncNow = false, web = new { startUrl = "http://127.0.0.1:9/help/" } }, Ct);
        _sourceId = source.GetProperty("id").GetString()!;
    }

    /// <summary>Holds SQLite's write lock (BEGIN IMMEDIATE) on the metadata database until disposed, as a stalled writer would.</summary>
    private async Task<IAsyncDisposable> HoldWriteLockAsync()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(DataPath, "knowledge.db")};Pooling=False");
        await connection.OpenAsync(Ct);
        await connection.BeginTransactionAsync(Ct);
        return connection;
    }

    private async Task<IReadOnlyList<JsonElement>> RunsAsync() =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/sources/{_sourceId}/runs", PlatformHost.Json, Ct)).EnumerateArray().ToList();

    [Fact]
    public async Task Queuing_against_a_busy_database_throws_the_busy_failure_instead_of_saying_there_is_no_source()
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ISourceStore>();

        await using (await HoldWriteLockAsync())
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => store.QueueAsync(_sourceId, SyncTrigger.Manual, Ct));
            Assert.True(StorageFailures.IsBusy(failure), $"not a busy database: {failure}");
        }

        Assert.Empty(await RunsAsync());
        Assert.True((await store.QueueAsync(_sourceId, SyncTrigger.Manual, Ct))?.Queued);
    }

    [Fact]
    public async Task A_second_active_sync_of_a_source_is_refused_as_the_unique_violation_that_means_another_caller_queued_first()
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var (first, queued) = (await scope.ServiceProvider.GetRequiredService<ISourceStore>().QueueAsync(_sourceId, SyncTrigger.Manual, Ct))!.Value;
        Assert.True(queued);
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        db.ChangeTracker.Clear();
        db.SyncRuns.Add(new SyncRun
        {
            Id = Ids.New("sync"), TenantId = first.TenantId, SourceId = first.SourceId, KnowledgeBaseId = first.KnowledgeBaseId,
            Trigger = SyncTrigger.Manual, CreatedAt = first.CreatedAt, UpdatedAt = first.UpdatedAt,
        });

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => db.SaveChangesAsync(Ct));
        Assert.True(StorageFailures.IsUniqueViolation(refused), $"not a unique violation: {refused}");
        Assert.False(StorageFailures.IsBusy(refused));
    }

    [Fact]
    public async Task A_sync_asked_for_while_the_database_stays_busy_answers_503_storage_busy_not_404()
    {
        await using (await HoldWriteLockAsync())
        {
            using var refused = await Admin.PostAsync($"/api/v1/sources/{_sourceId}/sync", null, Ct);
            var body = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode} {body}");
            Assert.Equal("storage_busy", body.GetProperty("code").GetString());
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }

        Assert.Empty(await RunsAsync());
        using var again = await Admin.PostAsync($"/api/v1/sources/{_sourceId}/sync", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }
}
