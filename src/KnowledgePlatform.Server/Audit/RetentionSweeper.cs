using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Audit;

/// <summary>
/// Once an hour (and at start), deletes what each tenant's policy retention no longer allows: audit records,
/// conversations idle for longer (their turns cascade), visitor feedback and handoffs. Token usage rows, which
/// hold no content, are kept for <see cref="TokenUsageDays"/> days (quotas are daily).
/// </summary>
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

    public const int TokenUsageDays = 35;

    /// <summary>Returns how many records were deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var now = clock.GetUtcNow();
        var usageBefore = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-TokenUsageDays);
        int audit = 0, conversations = 0, visitors = 0, usage = 0;
        foreach (var tenant in await db.Tenants.AsNoTracking().ToListAsync(ct))
        {
            var cutoff = now.AddDays(-tenant.EffectivePolicy().RetentionDays);
            audit += await db.AuditRecords.Where(a => a.TenantId == tenant.Id && a.At < cutoff).ExecuteDeleteAsync(ct);
            conversations += await db.Conversations.Where(c => c.TenantId == tenant.Id && c.UpdatedAt < cutoff).ExecuteDeleteAsync(ct);
            visitors += await db.Feedback.Where(f => f.TenantId == tenant.Id && f.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
            visitors += await db.Handoffs.Where(h => h.TenantId == tenant.Id && h.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
            visitors += await db.InboxItems.Where(i => i.TenantId == tenant.Id && i.LastSeenAt < cutoff).ExecuteDeleteAsync(ct);
            usage += await db.TokenUsage.Where(u => u.TenantId == tenant.Id && u.Day < usageBefore).ExecuteDeleteAsync(ct);
        }
        // Rate-limit windows shared by replicas are only read while they last (a minute).
        await KnowledgePlatform.Infrastructure.RateLimiting.DatabaseWindowCounter.DeleteEndedAsync(db, now.AddHours(-1), ct);
        if (audit + conversations + visitors + usage > 0)
            logger.LogInformation("Retention: deleted {Audit} audit records, {Conversations} conversations, {Visitors} feedback and handoff records and {Usage} token usage rows",
                audit, conversations, visitors, usage);
        return audit + conversations + visitors + usage;
    }
}
