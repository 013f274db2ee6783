using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.Infrastructure;

/// <summary>
/// Runs before the host serves anything: creates the metadata database when it does not exist and
/// brings the embedded index in line with it. A failure stops the start with the reason.
/// </summary>
public sealed class StorageInitializer(IServiceScopeFactory scopes, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        await db.Database.EnsureCreatedAsync(cancellationToken);
        var rebuilt = await scope.ServiceProvider.GetRequiredService<EmbeddedIndexBootstrapper>().RebuildStaleAsync(cancellationToken);
        if (rebuilt > 0) logger.LogInformation("Rebuilt the embedded index of {Count} knowledge base(s) from the database", rebuilt);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
