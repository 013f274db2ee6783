using System.ComponentModel;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli;

/// <summary>`kp db …`: storage operations for deployments.</summary>
public static class DbCommands
{
    public static void AddDbCommands(this IConfigurator config) => config.AddBranch("db", db =>
    {
        db.SetDescription("Storage operations: schema migrations and re-indexing.");
        db.AddCommand<DbMigrateCommand>("migrate").WithDescription("Apply pending migrations to the metadata database (SQLite or PostgreSQL).");
        db.AddCommand<DbReindexCommand>("reindex").WithDescription("Rebuild the chunk index (embedded or Qdrant) from the database, without re-embedding.");
    });

    /// <summary>`kp backup`, `kp restore`, `kp doctor`: keeping a deployment's data safe and consistent.</summary>
    public static void AddMaintenanceCommands(this IConfigurator config)
    {
        config.AddCommand<BackupCommand>("backup").WithDescription("Back up the embedded data folder (database and originals) while the server runs.")
            .WithExample("backup", "backup-2026-12-04.zip", "--data", "./data");
        config.AddCommand<RestoreCommand>("restore").WithDescription("Restore a backup into an empty data folder, migrated, with its index rebuilt.")
            .WithExample("restore", "backup-2026-12-04.zip", "--data", "./restored");
        config.AddCommand<DoctorCommand>("doctor").WithDescription("Check that the database, the index and the stored files agree; --repair fixes what it can.")
            .WithExample("doctor", "--data", "./data", "--repair");
    }
}

public class DbSettings : CommandSettings
{
    [CommandOption("-d|--data <PATH>")]
    [Description("Data folder of the embedded database (Storage:DataPath). Default: ./data")]
    public string? Data { get; init; }

    [CommandOption("--provider <PROVIDER>")]
    [Description("sqlite or postgres (Storage:Provider). Default: the configuration's, from appsettings.json and Storage__Provider.")]
    public string? Provider { get; init; }

    [CommandOption("-c|--connection <CONNECTION_STRING>")]
    [Description("The database's connection string (Storage:ConnectionString); required for postgres unless Storage__ConnectionString is set.")]
    public string? ConnectionString { get; init; }
}

public sealed class ReindexSettings : DbSettings
{
    [CommandOption("--kb <ID>")]
    [Description("Only this knowledge base (its id); default: every knowledge base.")]
    public string? KnowledgeBase { get; init; }
}

/// <summary>The storage services of the configured deployment, without starting a server.</summary>
internal static class StorageHost
{
    public static IHost Build(DbSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([
            new("Storage:DataPath", Path.GetFullPath(settings.Data ?? builder.Configuration["Storage:DataPath"] ?? "./data")),
            .. settings.Provider is null ? [] : new KeyValuePair<string, string?>[] { new("Storage:Provider", settings.Provider) },
            .. settings.ConnectionString is null ? [] : new KeyValuePair<string, string?>[] { new("Storage:ConnectionString", settings.ConnectionString) },
            new("Logging:LogLevel:Default", "Warning"),
        ]);
        builder.AddEmbeddings().AddStorage();
        return builder.Build();
    }
}

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

/// <summary>
/// `kp db reindex`: rebuilds the chunk index (embedded or Qdrant, Storage:Index) from the chunks and
/// embeddings in the metadata database, without re-embedding: after losing or replacing the index.
/// </summary>
public sealed class DbReindexCommand : AsyncCommand<ReindexSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, ReindexSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var host = StorageHost.Build(settings);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        if ((await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database, cancellationToken)).Any())
            throw new CliException("The metadata database is not migrated: run `kp db migrate` first.");
        var index = scope.ServiceProvider.GetRequiredService<KnowledgePlatform.Core.Ports.IChunkIndex>();
        var rebuilder = scope.ServiceProvider.GetRequiredService<KnowledgePlatform.Infrastructure.Indexing.ChunkIndexRebuilder>();
        var kbs = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.KnowledgeBases.Where(k => settings.KnowledgeBase == null || k.Id == settings.KnowledgeBase), cancellationToken);
        if (kbs.Count == 0) throw new CliException(settings.KnowledgeBase is null ? "There are no knowledge bases." : $"No knowledge base with id '{settings.KnowledgeBase}'.");

        var table = new Table().AddColumns("Knowledge base", "Tenant", "Chunks");
        foreach (var kb in kbs)
        {
            // Clear first: chunks of documents deleted meanwhile must not survive in the index.
            await index.DeleteKnowledgeBaseAsync(kb.TenantId, kb.Id, cancellationToken);
            var chunks = await rebuilder.ReindexAsync(index, kb.Id, cancellationToken);
            table.AddRow(Markup.Escape($"{kb.Name} ({kb.Id})"), Markup.Escape(kb.TenantId), chunks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (index is IDisposable disposable) disposable.Dispose();
        AnsiConsole.Write(table);
        return 0;
    });
}
