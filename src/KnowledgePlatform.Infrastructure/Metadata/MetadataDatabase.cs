using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>How each provider's context is configured, at run time and for `dotnet ef` at design time.</summary>
public static class MetadataDatabase
{
    public static void UseSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable(HistoryTable));

    public static void UsePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql
            .MigrationsHistoryTable(HistoryTable)
            // Transient failures (a restarting server, a dropped connection) are retried with backoff.
            .EnableRetryOnFailure(maxRetryCount: 6, maxRetryDelay: TimeSpan.FromSeconds(10), errorCodesToAdd: null));

    public const string HistoryTable = "__EFMigrationsHistory";

    /// <summary>
    /// Applies pending migrations. A SQLite database created by the old EnsureCreated (before migrations,
    /// decision 0003) has the initial schema but no history: it is recorded as migrated instead of failing.
    /// </summary>
    public static async Task MigrateAsync(KnowledgeDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite()) await AdoptEnsureCreatedSchemaAsync(db, logger, cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0) return;
        logger.LogInformation("Applying {Count} migration(s) to the metadata database: {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
    }

    private static async Task AdoptEnsureCreatedSchemaAsync(KnowledgeDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (!await TableExistsAsync(connection, "Tenants", cancellationToken) || await TableExistsAsync(connection, HistoryTable, cancellationToken)) return;

            var initial = db.Database.GetMigrations().First();
            var version = typeof(DbContext).Assembly.GetName().Version!.ToString(3);
            await using var adopt = connection.CreateCommand();
            adopt.CommandText = $"""
                CREATE TABLE "{HistoryTable}" ("MigrationId" TEXT NOT NULL PRIMARY KEY, "ProductVersion" TEXT NOT NULL);
                INSERT INTO "{HistoryTable}" VALUES ('{initial}', '{version}');
                """;
            await adopt.ExecuteNonQueryAsync(cancellationToken);
            logger.LogInformation("Recorded the existing embedded database (created before migrations) as {Migration}", initial);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<bool> TableExistsAsync(System.Data.Common.DbConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }
}

/// <summary>`dotnet ef migrations add X --context SqliteKnowledgeDbContext -o Migrations/Sqlite`.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteKnowledgeDbContext>
{
    public SqliteKnowledgeDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteKnowledgeDbContext>();
        MetadataDatabase.UseSqlite(options, "Data Source=design-time.db");
        return new SqliteKnowledgeDbContext(options.Options);
    }
}

/// <summary>`dotnet ef migrations add X --context PostgresKnowledgeDbContext -o Migrations/Postgres` (needs no server).</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresKnowledgeDbContext>
{
    public PostgresKnowledgeDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresKnowledgeDbContext>();
        MetadataDatabase.UsePostgres(options, "Host=localhost;Database=kp_design_time");
        return new PostgresKnowledgeDbContext(options.Options);
    }
}
