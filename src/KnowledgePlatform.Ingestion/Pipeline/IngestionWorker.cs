using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Pipeline;

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
