using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>
/// Every connection to the SQLite metadata database writes through SQLite's write-ahead log with commits that do not
/// wait for the disk (decision 0164): readers no longer wait for writers, and a commit costs a write to the log instead
/// of two flushes to the disk. A process that crashes loses no commit; a machine that loses power can lose the last
/// commits, never the file, and ingestion's steps are idempotent and resume. Switching to WAL is persistent and
/// happens on the first connection; on later ones the pragma finds it already set.
/// </summary>
public sealed class SqliteWriteAheadLog : DbConnectionInterceptor
{
    public const string Pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

    public static readonly SqliteWriteAheadLog Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
