using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Indexing.Qdrant;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Infrastructure;

/// <summary>
/// Runs before the host serves anything: migrates the metadata database (Storage:MigrateOnStart) or
/// checks that it is up to date, then brings the chunk index in line: the embedded index is rebuilt
/// from the database where it drifted, Qdrant gets its collection and payload indexes. A failure of
/// the database stops the start with the reason; Qdrant being down does not (the API answers 503 and
/// ingestion retries until it is back).
/// </summary>
public sealed class StorageInitializer(IServiceScopeFactory scopes, IOptions<StorageOptions> options, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        if (options.Value.MigrateOnStart)
        {
            await MetadataDatabase.MigrateAsync(db, logger, cancellationToken);
        }
        else if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList() is { Count: > 0 } pending)
        {
            throw new InvalidOperationException(
                $"The metadata database is missing migrations ({string.Join(", ", pending)}) and Storage:MigrateOnStart is false: run `kp db migrate` first.");
        }

        if (options.Value.IsQdrant)
        {
            await scope.ServiceProvider.GetRequiredService<QdrantChunkIndex>().TryInitializeAsync(cancellationToken);
            return;
        }
        var rebuilt = await scope.ServiceProvider.GetRequiredService<EmbeddedIndexBootstrapper>().RebuildStaleAsync(cancellationToken);
        if (rebuilt > 0) logger.LogInformation("Rebuilt the embedded index of {Count} knowledge base(s) from the database", rebuilt);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
