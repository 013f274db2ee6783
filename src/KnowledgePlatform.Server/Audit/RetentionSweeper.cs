using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Audit;

/// <summary>Deletes audit records older than each tenant's policy retention, once an hour (and at start).</summary>
public sealed class RetentionSweeper(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Retention sweep failed; next try in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var deleted = 0;
        foreach (var tenant in await db.Tenants.AsNoTracking().ToListAsync(ct))
        {
            var cutoff = clock.GetUtcNow().AddDays(-tenant.EffectivePolicy().RetentionDays);
            deleted += await db.AuditRecords.Where(a => a.TenantId == tenant.Id && a.At < cutoff).ExecuteDeleteAsync(ct);
        }
        if (deleted > 0) logger.LogInformation("Retention: deleted {Count} audit records past their tenants' retention", deleted);
        return deleted;
    }
}
