using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Calibration;

/// <summary>
/// Calibrates knowledge bases (evidence gate and fusion, in one pass) in the background when their content has changed
/// enough, once ingestion into them has been quiet for a while (debounced): never on an ingestion or request path.
/// </summary>
public sealed class CalibrationScheduler(IServiceScopeFactory scopes, IOptions<CalibrationOptions> options, TimeProvider clock, ILogger<CalibrationScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return;
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        do
        {
            try
            {
                await CalibrateDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Calibrating knowledge bases failed; trying again at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Calibrates every knowledge base that is due, one at a time; its embeddings run at the lowest priority (decision 0125).</summary>
    public async Task CalibrateDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var calibrator = scope.ServiceProvider.GetRequiredService<KnowledgeBaseCalibrator>();
        foreach (var kb in await db.KnowledgeBases.AsNoTracking().ToListAsync(ct))
        {
            if (await IsDueAsync(db, calibrator, kb, ct)) await calibrator.CalibrateAsync(kb, ct);
        }
    }

    private async Task<bool> IsDueAsync(KnowledgeDbContext db, KnowledgeBaseCalibrator calibrator, KnowledgeBase kb, CancellationToken ct)
    {
        var quietSince = clock.GetUtcNow() - options.Value.Quiet;
        var documents = db.Documents.AsNoTracking().Where(d => d.KnowledgeBaseId == kb.Id && d.TenantId == kb.TenantId);
        if (await documents.AnyAsync(d => d.Status == DocumentStatus.Queued || d.Status == DocumentStatus.Processing, ct)) return false;
        if ((await documents.Select(d => (DateTimeOffset?)d.UpdatedAt).MaxAsync(ct)) is { } last && last > quietSince) return false;
        var count = await calibrator.IndexedChunks(kb).CountAsync(ct);
        if (count == 0) return false;
        var gateDue = kb.EvidenceGate?.Source != EvidenceGateCalibration.SourceGoldQuestions && (kb.EvidenceGate is null || Changed(count, kb.EvidenceGate.ChunkCount));
        var fusionDue = kb.Fusion is null || Changed(count, kb.Fusion.ChunkCount);
        return gateDue || fusionDue;
    }

    private bool Changed(int count, int calibratedAt) =>
        Math.Abs(count - calibratedAt) >= Math.Max(options.Value.MinChangedChunks, options.Value.ChangeShare * calibratedAt);
}
