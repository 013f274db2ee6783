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
    // A PostgreSQL server of the test's own, since the test restarts it; the platform's database lives on it.
    private readonly PostgresServer _server = new();
    private readonly TestPlatform _platform;

    public PostgresRestartTests() => _platform = new TestPlatform(TestDatabase.Postgres(_server));

    public async ValueTask InitializeAsync()
    {
        await _server.InitializeAsync();
        await _platform.CreateDatabaseAsync(_ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _platform.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Jobs_resume_after_a_database_restart_mid_ingestion_and_each_document_is_indexed_exactly_once()
    {
        var host = await _platform.StartAsync(_ct, new Dictionary<string, string> { ["Ingestion:Workers"] = "2" });
        using var client = host.Client(await host.CreateTenantAsync("acme", "support", _ct));
        await Ingestion.UploadAsync(client, Documents, _ct);
        await Ingestion.WaitUntilAsync(host, ready => ready >= 3, TimeSpan.FromMinutes(2), _ct);

        await _server.RestartAsync(downtime: TimeSpan.FromSeconds(3));

        await Ingestion.WaitUntilAsync(host, ready => ready == Documents, TimeSpan.FromMinutes(3), _ct);
        await Ingestion.AssertEachDocumentIndexedOnceAsync(host, Documents, _ct);
        await Ingestion.AssertSearchFindsAsync(client, Documents - 1, _ct);
    }
}
