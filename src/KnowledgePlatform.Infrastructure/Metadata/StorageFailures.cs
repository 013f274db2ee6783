using Microsoft.Data.Sqlite;
using Npgsql;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>
/// Tells failures of the metadata database apart, also when wrapped by EF Core: those that pass (worth another try,
/// never a reason to answer 500) and a unique-index violation (another writer got there first).
/// </summary>
public static class StorageFailures
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    /// <summary>A busy database (<see cref="IsBusy"/>) or a timeout.</summary>
    public static bool IsTransient(Exception exception) => Chain(exception).Any(e => e is TimeoutException || IsBusyDatabase(e));

    /// <summary>
    /// SQLite's writer lock not granted within the command timeout (another writer held it: the ingestion worker, a
    /// stalled transaction), or a PostgreSQL failure Npgsql marks transient (failover, restart, dropped connection,
    /// serialization failure, deadlock).
    /// </summary>
    public static bool IsBusy(Exception exception) => Chain(exception).Any(IsBusyDatabase);

    /// <summary>A row refused by a unique index or primary key: SQLite's SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY, PostgreSQL's 23505.</summary>
    public static bool IsUniqueViolation(Exception exception) => Chain(exception).Any(e =>
        e is SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey }
            or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation });

    private static bool IsBusyDatabase(Exception e) => e is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked } or NpgsqlException { IsTransient: true };

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException) yield return e;
    }
}
