using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgePlatform.Infrastructure.RateLimiting;

/// <summary>
/// Window counters in the metadata database (PostgreSQL when several replicas share it): one upsert per permit that
/// adds one only while the window has permits left, so concurrent replicas never pass the limit together.
/// </summary>
public sealed class DatabaseWindowCounter(IServiceScopeFactory scopes, TimeProvider clock) : IWindowCounter
{
    public async Task<WindowPermit> TryTakeAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var current = FixedWindow.At(now, window);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var taken = await db.Database.SqlQueryRaw<int>(UpsertSql(db), key, current.Start, limit).ToListAsync(cancellationToken);
        return new WindowPermit(taken.Count == 1, current.Remaining(now));
    }

    /// <summary>Deletes windows that ended before <paramref name="before"/>.</summary>
    public static Task<int> DeleteEndedAsync(KnowledgeDbContext db, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var start = before.ToUnixTimeSeconds();
        return db.Set<RateLimitWindow>().Where(w => w.WindowStart < start).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>{0} key, {1} window start, {2} limit. The same statement on PostgreSQL and SQLite (3.35+: RETURNING).</summary>
    private static string UpsertSql(KnowledgeDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(RateLimitWindow))!;
        var table = $"\"{entity.GetTableName()}\"";
        string C(string property) => $"\"{entity.FindProperty(property)!.GetColumnName()}\"";
        var count = C(nameof(RateLimitWindow.Count));
        return $$"""
            INSERT INTO {{table}} ({{C(nameof(RateLimitWindow.Key))}}, {{C(nameof(RateLimitWindow.WindowStart))}}, {{count}}) VALUES ({0}, {1}, 1)
            ON CONFLICT ({{C(nameof(RateLimitWindow.Key))}}, {{C(nameof(RateLimitWindow.WindowStart))}})
            DO UPDATE SET {{count}} = {{table}}.{{count}} + 1 WHERE {{table}}.{{count}} < {2}
            RETURNING {{count}} AS "Value"
            """;
    }
}
