using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.Ingestion.Pipeline;

/// <summary>
/// The loop of every background worker here (ingestion jobs, source syncs): work while there is work, wait for the
/// signal or the poll interval when there is none, and back off when the store itself fails (database down), never
/// crashing the host. Shutdown ends it.
/// </summary>
public static class WorkLoop
{
    /// <summary>Runs <paramref name="workers"/> loops named "{machine}:{process}:{kind}{n}", each doing its work in a scope of its own.</summary>
    /// <param name="work">Claims and does one piece of work as the given worker; false when none was due.</param>
    public static Task RunAsync(
        int workers, string kind, IServiceScopeFactory scopes, Func<IServiceProvider, string, CancellationToken, Task<bool>> work,
        IngestionSignal signal, TimeSpan pollInterval, ILogger logger, CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(i => $"{Environment.MachineName}:{Environment.ProcessId}:{kind}{i}").Select(workerId =>
            LoopAsync(workerId, async ct =>
            {
                await using var scope = scopes.CreateAsyncScope();
                return await work(scope.ServiceProvider, workerId, ct);
            }, signal, pollInterval, logger, stoppingToken)));

    private static async Task LoopAsync(string workerId, Func<CancellationToken, Task<bool>> work, IngestionSignal signal, TimeSpan pollInterval, ILogger logger, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await work(stoppingToken)) await signal.WaitAsync(pollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Worker {Worker} could not claim work; retrying", workerId);
                await Task.Delay(pollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
