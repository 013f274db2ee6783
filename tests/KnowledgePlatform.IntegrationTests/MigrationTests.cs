using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Each provider's migrations match the model, apply to an empty database and keep data across restarts.</summary>
public sealed class MigrationTests(PostgresServer server) : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private readonly List<TestDatabase> _databases = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases) await database.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private async Task<TestDatabase> CreateAsync(string provider)
    {
        var database = provider == "postgres" ? TestDatabase.Postgres(server) : TestDatabase.Sqlite();
        _databases.Add(database);
        await database.CreateAsync(_data, _ct);
        return database;
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task The_migrations_create_the_whole_model_and_a_second_run_changes_nothing(string provider)
    {
        var database = await CreateAsync(provider);
        await using var db = database.NewContext();

        Assert.False(db.Database.HasPendingModelChanges(), $"The model changed without a migration: add one for {provider} (docs/decisions/0020).");
        await MetadataDatabase.MigrateAsync(db, NullLogger.Instance, _ct);
        await MetadataDatabase.MigrateAsync(db, NullLogger.Instance, _ct);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(_ct));
        db.Tenants.Add(new Tenant { Id = "t", Name = "T" });
        await db.SaveChangesAsync(_ct);
        Assert.Equal(1, await db.Tenants.CountAsync(_ct));
    }

    [Fact]
    public void A_server_with_migrate_on_start_off_refuses_an_unmigrated_database_and_names_the_command()
    {
        var error = Assert.ThrowsAny<Exception>(() => new PlatformHost(_data, new Dictionary<string, string> { ["Storage:MigrateOnStart"] = "false" }));

        Assert.Contains("kp db migrate", error.ToString(), StringComparison.Ordinal);
    }
}
