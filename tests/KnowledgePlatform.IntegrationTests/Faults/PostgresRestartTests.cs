using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Faults;

/// <summary>
/// PostgreSQL restarted by its administrator while the worker ingests. The test runs its own throwaway server:
/// the run's shared one serves other tests at the same time.
/// </summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private const int Documents = 30;

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private readonly PostgresServer _server = new();
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync()
    {
        await _server.InitializeAsync();
        _database = TestDatabase.Postgres(_server);
        await _database.CreateAsync(_data, _ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        await _server.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Jobs_resume_after_a_database_restart_mid_ingestion_and_each_document_is_indexed_exactly_once()
    {
        await using var host = new PlatformHost(_data, _database.With(new Dictionary<string, string> { ["Ingestion:Workers"] = "2" }));
        using var client = host.Client(await host.CreateTenantAsync("acme", "support", _ct));
        await Ingestion.UploadAsync(client, Documents, _ct);
        await Ingestion.WaitUntilAsync(host, ready => ready >= 3, TimeSpan.FromMinutes(2), _ct);

        await _server.RestartAsync(downtime: TimeSpan.FromSeconds(3));

        await Ingestion.WaitUntilAsync(host, ready => ready == Documents, TimeSpan.FromMinutes(3), _ct);
        await Ingestion.AssertEachDocumentIndexedOnceAsync(host, Documents, _ct);
        await Ingestion.AssertSearchFindsAsync(client, Documents - 1, _ct);
    }
}
