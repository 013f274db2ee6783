using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Sources;

/// <summary>
/// Runs syncs in the worker hosts, never on a request (decision 0080): <see cref="SourceOptions.Workers"/> loops
/// claim queued syncs (or ones whose worker died) and run them; one more loop queues the syncs whose schedule is
/// due. On shutdown a running sync is given back and resumes from its entries wherever it is claimed next.
/// </summary>
public sealed class SyncWorker(
    IServiceScopeFactory scopes,
    [FromKeyedServices(SyncWorker.SignalKey)] IngestionSignal signal,
    IOptions<SourceOptions> options,
    TimeProvider clock,
    ILogger<SyncWorker> logger) : BackgroundService
{
    /// <summary>The key of the signal that wakes sync workers (an <see cref="IngestionSignal"/> of their own).</summary>
    public const string SignalKey = "sources";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(
            WorkLoop.RunAsync(options.Value.Workers, "sync", scopes, (services, workerId, ct) => services.GetRequiredService<SyncRunner>().RunNextAsync(workerId, ct),
                signal, options.Value.PollInterval, logger, stoppingToken),
            ScheduleAsync(stoppingToken));

    private async Task ScheduleAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using (var scope = scopes.CreateAsyncScope())
                {
                    if (await scope.ServiceProvider.GetRequiredService<ISourceStore>().QueueDueAsync(clock.GetUtcNow(), stoppingToken) > 0) signal.Notify();
                }
                await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Due syncs could not be queued; retrying");
                await Task.Delay(options.Value.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
