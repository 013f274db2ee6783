using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

/// <summary>`kp db migrate`: applies pending schema migrations, as a deployment step before servers start with Storage:MigrateOnStart=false.</summary>
public sealed class DbMigrateCommand : AsyncCommand<DbSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, DbSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var host = StorageHost.Build(settings);
        await using var scope = host.Services.CreateAsyncScope();
        var storage = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<DbMigrateCommand>>();
        await MetadataDatabase.MigrateAsync(db, logger, cancellationToken);
        var applied = await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetAppliedMigrationsAsync(db.Database, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]The {storage.Provider} metadata database is up to date[/] ({applied.Count()} migrations applied, latest {applied.LastOrDefault() ?? "none"}).");
        return 0;
    });
}
