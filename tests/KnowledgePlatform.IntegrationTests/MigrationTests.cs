using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Each provider's migrations match the model, apply to an empty database and keep data across restarts.</summary>
public sealed class MigrationTests(PostgresServer server) : IAsyncDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private TestPlatform? _platform;

    public async ValueTask DisposeAsync()
    {
        if (_platform is not null) await _platform.DisposeAsync();
    }

    /// <summary>An empty database of the provider, without a server: the test migrates it itself.</summary>
    private Task<TestDatabase> CreateAsync(string provider)
    {
        _platform = new TestPlatform(provider == "postgres" ? TestDatabase.Postgres(server) : TestDatabase.Sqlite());
        return _platform.CreateDatabaseAsync(_ct);
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
    public async Task A_server_with_migrate_on_start_off_refuses_an_unmigrated_database_and_names_the_command()
    {
        var error = await TestPlatform.StartFailureAsync(new Dictionary<string, string> { ["Storage:MigrateOnStart"] = "false" }, _ct);

        Assert.Contains("kp db migrate", error.ToString(), StringComparison.Ordinal);
    }
}
