using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// The metadata database behind one test: an SQLite file in the test's data folder, or a fresh database
/// on the run's PostgreSQL server. The integration tests run once per provider through it.
/// </summary>
public abstract class TestDatabase : IAsyncDisposable
{
    /// <summary>Host settings that point Storage at this database (none for SQLite: it lives under the data path).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; protected set; } = new Dictionary<string, string>();

    /// <summary>This database's host settings plus <paramref name="extra"/>.</summary>
    public IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string> extra) =>
        Settings.Concat(extra).ToDictionary(p => p.Key, p => p.Value);

    public static TestDatabase Sqlite() => new SqliteTestDatabase();

    public static TestDatabase Postgres(PostgresServer server) => new PostgresTestDatabase(server);

    /// <summary>Another database of the same provider (on the same PostgreSQL server), not yet created.</summary>
    public abstract TestDatabase Another();

    /// <summary>Creates the database; on PostgreSQL skips the test (fails in CI) when there is no server.</summary>
    public abstract Task CreateAsync(string dataPath, CancellationToken ct);

    /// <summary>A context of the right provider on this database, outside any host.</summary>
    public abstract KnowledgeDbContext NewContext();

    public abstract ValueTask DisposeAsync();

    private sealed class SqliteTestDatabase : TestDatabase
    {
        private string _connectionString = "";

        public override TestDatabase Another() => new SqliteTestDatabase();

        public override Task CreateAsync(string dataPath, CancellationToken ct)
        {
            Directory.CreateDirectory(dataPath);
            _connectionString = new StorageOptions { DataPath = dataPath }.EffectiveConnectionString;
            return Task.CompletedTask;
        }

        public override KnowledgeDbContext NewContext()
        {
            var options = new DbContextOptionsBuilder<SqliteKnowledgeDbContext>();
            MetadataDatabase.UseSqlite(options, _connectionString);
            return new SqliteKnowledgeDbContext(options.Options);
        }

        public override ValueTask DisposeAsync()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresTestDatabase(PostgresServer server) : TestDatabase
    {
        private readonly string _name = "kp_test_" + Guid.NewGuid().ToString("N")[..16];
        private string? _connectionString;

        public override TestDatabase Another() => new PostgresTestDatabase(server);

        public override async Task CreateAsync(string dataPath, CancellationToken ct)
        {
            _connectionString = await server.CreateDatabaseAsync(_name, ct);
            Settings = new Dictionary<string, string>
            {
                ["Storage:Provider"] = StorageOptions.Postgres,
                ["Storage:ConnectionString"] = _connectionString,
            };
        }

        public override KnowledgeDbContext NewContext()
        {
            var options = new DbContextOptionsBuilder<PostgresKnowledgeDbContext>();
            MetadataDatabase.UsePostgres(options, _connectionString!);
            return new PostgresKnowledgeDbContext(options.Options);
        }

        public override async ValueTask DisposeAsync()
        {
            if (_connectionString is not null) await server.DropDatabaseAsync(_name);
        }
    }
}
