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
        Task.WhenAll(Enumerable.Range(0, options.Value.Workers)
            .Select(i => LoopAsync($"{Environment.MachineName}:{Environment.ProcessId}:sync{i}", stoppingToken))
            .Append(ScheduleAsync(stoppingToken)));

    private async Task LoopAsync(string workerId, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                bool worked;
                await using (var scope = scopes.CreateAsyncScope())
                    worked = await scope.ServiceProvider.GetRequiredService<SyncRunner>().RunNextAsync(workerId, stoppingToken);
                if (!worked) await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Sync worker {Worker} could not claim work; retrying", workerId);
                await Task.Delay(options.Value.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

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
