using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api.Sources;
using KnowledgePlatform.Server.Ingestion;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Sources;

/// <summary>
/// Sync progress for the portal, pushed like ingestion progress (method "sync" on the ingestion hub, to the
/// source's tenant): read from the database, so syncs run by separate worker processes reach listeners too.
/// </summary>
public static class SyncProgress
{
    public const string Method = "sync";

    /// <summary>Pushes the syncs changed since <paramref name="watermark"/>; returns the new watermark.</summary>
    public static async Task<DateTimeOffset> RelayAsync(KnowledgeDbContext db, IHubContext<IngestionHub> hub, DateTimeOffset watermark, CancellationToken ct)
    {
        var changed = await db.SyncRuns.AsNoTracking().Where(r => r.UpdatedAt > watermark).OrderBy(r => r.UpdatedAt).Take(200).ToListAsync(ct);
        foreach (var run in changed)
            await hub.Clients.Group(IngestionHub.Group(run.TenantId)).SendAsync(Method, SyncRunDto.From(run), ct);
        return changed.Count > 0 ? changed[^1].UpdatedAt : watermark;
    }
}
