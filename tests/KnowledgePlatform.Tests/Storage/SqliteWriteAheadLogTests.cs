using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace KnowledgePlatform.Tests.Storage;

/// <summary>How the SQLite metadata database commits (decision 0164).</summary>
public sealed class SqliteWriteAheadLogTests : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _folder = Directory.CreateTempSubdirectory("kp-wal-").FullName;

    [Fact]
    public async Task The_metadata_database_writes_through_the_write_ahead_log_with_commits_that_do_not_wait_for_the_disk()
    {
        var options = new DbContextOptionsBuilder<SqliteKnowledgeDbContext>();
        MetadataDatabase.UseSqlite(options, $"Data Source={Path.Combine(_folder, "knowledge.db")};Pooling=False");
        await using var db = new SqliteKnowledgeDbContext(options.Options);
        await db.Database.EnsureCreatedAsync(_ct);

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(_ct);
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
        Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA synchronous")); // NORMAL
        await db.Database.CloseConnectionAsync();

        // The mode is the file's: a connection that sets nothing finds it too.
        await using var plain = new SqliteConnection($"Data Source={Path.Combine(_folder, "knowledge.db")};Pooling=False");
        await plain.OpenAsync(_ct);
        Assert.Equal("wal", await ScalarAsync(plain, "PRAGMA journal_mode"));
    }

    private async Task<object?> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(_ct);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
