using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Ingestion;

/// <summary>
/// Relays document changes (and source syncs' progress) from the database to the hub. Reading the database (rather than events
/// inside this process) means progress from separate worker processes reaches listeners the same way.
/// </summary>
public sealed class IngestionProgressRelay(IServiceScopeFactory scopes, IHubContext<IngestionHub> hub, TimeProvider clock, ILogger<IngestionProgressRelay> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watermark = clock.GetUtcNow();
        var syncWatermark = watermark;
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!IngestionHub.HasListeners)
            {
                watermark = syncWatermark = clock.GetUtcNow();
                continue;
            }
            try
            {
                watermark = await RelayChangesSinceAsync(watermark, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                syncWatermark = await Sources.SyncProgress.RelayAsync(scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>(), hub, syncWatermark, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not relay ingestion progress; retrying");
            }
        }
    }

    private async Task<DateTimeOffset> RelayChangesSinceAsync(DateTimeOffset watermark, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var changed = await db.Documents.AsNoTracking()
            .Where(d => d.UpdatedAt > watermark)
            .OrderBy(d => d.UpdatedAt)
            .Take(500)
            .ToListAsync(ct);
        foreach (var d in changed)
        {
            var progress = new DocumentProgress(d.Id, d.KnowledgeBaseId, d.FileName, d.Version, d.Status, d.Step, d.ProgressPercent, d.ChunkCount, d.Error, d.UpdatedAt);
            await hub.Clients.Groups(IngestionHub.Audience(d)).SendAsync("progress", progress, ct);
        }
        return changed.Count > 0 ? changed[^1].UpdatedAt : watermark;
    }
}
