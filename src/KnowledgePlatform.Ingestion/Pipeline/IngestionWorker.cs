using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Pipeline;

/// <summary>Wakes the workers as soon as a job is queued in this process (other processes are found by polling).</summary>
public sealed class IngestionSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    public void Notify() => _signal.Release();

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}

/// <summary>Runs <see cref="IngestionOptions.Workers"/> loops that claim and process jobs until shutdown.</summary>
public sealed class IngestionWorker(
    IServiceScopeFactory scopes,
    IngestionSignal signal,
    IOptions<IngestionOptions> options,
    ILogger<IngestionWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Workers).Select(i => LoopAsync($"{Environment.MachineName}:{Environment.ProcessId}:{i}", stoppingToken)));

    private async Task LoopAsync(string workerId, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                bool worked;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    worked = await scope.ServiceProvider.GetRequiredService<IngestionRunner>().RunNextAsync(workerId, stoppingToken);
                }
                if (!worked) await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store itself failed (database down): back off, never crash the host.
                logger.LogError(ex, "Ingestion worker {Worker} could not claim work; retrying", workerId);
                await Task.Delay(options.Value.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
