using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>How each provider's context is configured, at run time and for `dotnet ef` at design time.</summary>
public static class MetadataDatabase
{
    public static void UseSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable(HistoryTable))
            .AddInterceptors(SqliteWriteAheadLog.Instance);

    public static void UsePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql
            .MigrationsHistoryTable(HistoryTable)
            // Transient failures (a restarting server, a dropped connection) are retried with backoff.
            .EnableRetryOnFailure(maxRetryCount: 6, maxRetryDelay: TimeSpan.FromSeconds(10), errorCodesToAdd: null));

    public const string HistoryTable = "__EFMigrationsHistory";

    /// <summary>Applies pending migrations.</summary>
    public static async Task MigrateAsync(KnowledgeDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0) return;
        logger.LogInformation("Applying {Count} migration(s) to the metadata database: {Migrations}", pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
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
