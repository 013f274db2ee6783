using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Telemetry;
using KnowledgePlatform.Infrastructure.Metadata;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Infrastructure.Telemetry;

/// <summary>
/// The kp.ingestion.queue.depth gauge (tag status: queued, running): counted in the database every
/// Telemetry:QueueSampleInterval, so a scrape never waits on a query and every replica reports the
/// shared queue.
/// </summary>
public sealed class IngestionQueueMetrics(
    IServiceScopeFactory scopes,
    IMeterFactory meters,
    IOptions<TelemetryOptions> options,
    ILogger<IngestionQueueMetrics> logger) : BackgroundService
{
    private volatile IReadOnlyDictionary<JobStatus, long> _depth = new Dictionary<JobStatus, long>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // From this host's meter factory: the gauge goes away with the host, and its callback with it.
        meters.Create(PlatformTelemetry.Name).CreateObservableGauge("kp.ingestion.queue.depth", Observe, "{job}", "Ingestion jobs waiting (queued) or in progress (running)");
        using var timer = new PeriodicTimer(options.Value.QueueSampleInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
                _depth = await db.IngestionJobs
                    .Where(j => j.Status == JobStatus.Queued || j.Status == JobStatus.Running)
                    .GroupBy(j => j.Status)
                    .Select(g => new { g.Key, Count = g.LongCount() })
                    .ToDictionaryAsync(x => x.Key, x => x.Count, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not read the ingestion queue depth");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        var depth = _depth;
        yield return new(depth.GetValueOrDefault(JobStatus.Queued), new KeyValuePair<string, object?>("status", "queued"));
        yield return new(depth.GetValueOrDefault(JobStatus.Running), new KeyValuePair<string, object?>("status", "running"));
    }
}
