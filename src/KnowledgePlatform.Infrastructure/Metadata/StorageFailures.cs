using Microsoft.Data.Sqlite;
using Npgsql;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>Failures of the metadata database that pass: worth another try, and never a reason to answer 500.</summary>
public static class StorageFailures
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>
    /// SQLite's writer lock not granted within the command timeout (another writer held it: the ingestion worker, a
    /// stalled transaction), a PostgreSQL failure Npgsql marks transient (failover, restart, dropped connection), a
    /// timeout; also when wrapped by EF Core.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked } or NpgsqlException { IsTransient: true } or TimeoutException) return true;
        }
        return false;
    }
}
