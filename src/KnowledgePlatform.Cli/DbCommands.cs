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

public sealed class DbSettings : CommandSettings
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

/// <summary>`kp db migrate`: applies pending schema migrations, as a deployment step before servers start with Storage:MigrateOnStart=false.</summary>
public sealed class DbMigrateCommand : AsyncCommand<DbSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, DbSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([
            new("Storage:DataPath", Path.GetFullPath(settings.Data ?? builder.Configuration["Storage:DataPath"] ?? "./data")),
            .. settings.Provider is null ? [] : new KeyValuePair<string, string?>[] { new("Storage:Provider", settings.Provider) },
            .. settings.ConnectionString is null ? [] : new KeyValuePair<string, string?>[] { new("Storage:ConnectionString", settings.ConnectionString) },
            new("Logging:LogLevel:Default", "Warning"),
        ]);
        builder.AddStorage();
        using var host = builder.Build();
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
