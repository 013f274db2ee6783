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
        WorkLoop.RunAsync(options.Value.Workers, "", scopes, (services, workerId, ct) => services.GetRequiredService<IngestionRunner>().RunNextAsync(workerId, ct),
            signal, options.Value.PollInterval, logger, stoppingToken);
}
