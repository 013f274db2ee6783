using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Maintenance;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

/// <summary>`kp restore`: unpacks a backup into an empty data folder, migrates it to this version and rebuilds its index.</summary>
public sealed class RestoreCommand : AsyncCommand<RestoreSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, RestoreSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        if (string.IsNullOrWhiteSpace(settings.Data)) throw new CliException("Name the (empty) folder to restore into with --data.");
        var manifest = await EmbeddedBackup.RestoreAsync(settings.Backup, Path.GetFullPath(settings.Data), cancellationToken);
        using var host = StorageHost.Build(settings);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        await MetadataDatabase.MigrateAsync(db, scope.ServiceProvider.GetRequiredService<ILogger<RestoreCommand>>(), cancellationToken);
        var rebuilt = await scope.ServiceProvider.GetRequiredService<EmbeddedIndexBootstrapper>().RebuildStaleAsync(cancellationToken);
        scope.ServiceProvider.GetRequiredService<EmbeddedChunkIndex>().Dispose();
        AnsiConsole.MarkupLineInterpolated(
            $"[green]Restored[/] the backup of {manifest.CreatedAt:u} into {Path.GetFullPath(settings.Data)}: documents {BackupCommand.Describe(manifest.DocumentsByStatus)}; the index of {rebuilt} knowledge base(s) rebuilt. Queued documents are ingested when the server starts.");
        return 0;
    });
}
