using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// What an integration test stands on, and its cleanup: a data folder, a metadata database (SQLite in that folder or a
/// fresh database on the run's PostgreSQL server) and the server on them. The tests of a class share one as a class
/// fixture (<see cref="SqlitePlatform"/>, <see cref="PostgresPlatform"/>), each on a tenant of its own; a test that
/// restarts or reconfigures its server owns one (<see cref="Owned"/>), disposed with the test.
/// </summary>
public class TestPlatform(TestDatabase database) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _created;
    private PlatformHost? _host;
    private (IReadOnlyDictionary<string, string>? Settings, ILoggerProvider? Logs, Action<IServiceCollection>? Services) _last;

    /// <summary>A platform for one test alone: <see cref="PlatformTest"/> disposes it after the test.</summary>
    public static TestPlatform Owned(TestDatabase database) => new(database) { OwnedByTest = true };

    /// <summary>A platform of the same kind on a fresh database, for a test of a shared class that restarts its server; the caller disposes it.</summary>
    public TestPlatform Another() => new(database.Another());

    public bool OwnedByTest { get; private init; }

    public string DataPath { get; } = PlatformHost.NewDataPath();

    public TestDatabase Database => database;

    /// <summary>The running server.</summary>
    public PlatformHost Host => _host ?? throw new InvalidOperationException("The server is not running: start it with StartAsync.");

    /// <summary>
    /// Creates the database on the first call (on PostgreSQL this skips the test, or fails it in CI, when there is no
    /// server) and starts the server with <paramref name="settings"/> unless it is running; returns it. The tests of a
    /// class all pass the same settings, so the first test's start serves them all.
    /// </summary>
    public async Task<PlatformHost> StartAsync(CancellationToken ct, IReadOnlyDictionary<string, string>? settings = null, ILoggerProvider? logs = null, Action<IServiceCollection>? services = null)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await CreateDatabaseOnceAsync(ct);
            if (_host is not null) return _host;
            _last = (settings, logs, services);
            return _host = new PlatformHost(DataPath, database.With(settings ?? new Dictionary<string, string>()), logs, services);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Creates the data folder's database without a server, for tests of the stores themselves.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await CreateDatabaseOnceAsync(ct);
            return database;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CreateDatabaseOnceAsync(CancellationToken ct)
    {
        if (_created) return;
        await database.CreateAsync(DataPath, ct);
        _created = true;
    }

    /// <summary>
    /// Stops the server and starts another on the same data and settings, as an operator's restart does. On a class's
    /// shared platform the next test finds the new server; a test that needs other settings uses a platform of its own.
    /// </summary>
    public async Task<PlatformHost> RestartAsync(CancellationToken ct)
    {
        await StopAsync();
        return await StartAsync(ct, _last.Settings, _last.Logs, _last.Services);
    }

    /// <summary>Stops the server, keeping the data folder and the database.</summary>
    public async Task StopAsync()
    {
        if (_host is not { } host) return;
        _host = null;
        await host.DisposeAsync();
    }

    /// <summary>Starts a server on SQLite with <paramref name="settings"/> that must stop its start; returns why it stopped.</summary>
    public static async Task<Exception> StartFailureAsync(IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        await using var platform = new SqlitePlatform();
        return await Assert.ThrowsAnyAsync<Exception>(() => platform.StartAsync(ct, settings));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await database.DisposeAsync();
        if (Directory.Exists(DataPath)) Directory.Delete(DataPath, recursive: true);
        _gate.Dispose();
        GC.SuppressFinalize(this);
    }
}
