using System.ComponentModel;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Maintenance;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli;

public sealed class BackupSettings : DbSettings
{
    [CommandArgument(0, "<output>")]
    [Description("The backup to write (a new .zip file).")]
    public string Output { get; init; } = "";
}

public sealed class RestoreSettings : DbSettings
{
    [CommandArgument(0, "<backup>")]
    [Description("A backup written by kp backup.")]
    public string Backup { get; init; } = "";
}

public sealed class DoctorSettings : DbSettings
{
    [CommandOption("--repair")]
    [Description("Repair what can be repaired (on the embedded layout, stop the server first).")]
    public bool Repair { get; init; }
}

/// <summary>`kp backup`: a consistent snapshot of the embedded layout (database and originals) while the server runs (decision 0095).</summary>
public sealed class BackupCommand : AsyncCommand<BackupSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, BackupSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        var storage = StorageOf(settings);
        if (storage.IsPostgres) throw new CliException("kp backup copies the embedded layout; for PostgreSQL and Qdrant see docs/deployment.md (pg_dump, Qdrant snapshots).");
        var manifest = await EmbeddedBackup.CreateAsync(storage.FullDataPath, settings.Output, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]Backed up[/] {storage.FullDataPath} to {settings.Output}: documents {Describe(manifest.DocumentsByStatus)}, {manifest.Chunks} chunks, {manifest.Entries.Count - 1} files.");
        if (manifest.LeftOut.Count > 0)
            AnsiConsole.MarkupLineInterpolated($"[yellow]{manifest.LeftOut.Count} document(s) deleted while the backup ran are left out.[/]");
        return 0;
    });

    internal static StorageOptions StorageOf(DbSettings settings)
    {
        using var host = StorageHost.Build(settings);
        return host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
    }

    internal static string Describe(IReadOnlyDictionary<string, int> byStatus) =>
        byStatus.Count == 0 ? "none" : string.Join(", ", byStatus.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Value} {s.Key}"));
}

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

/// <summary>`kp doctor`: do the database, the index and the stored files agree? Repairs what it can with --repair.</summary>
public sealed class DoctorCommand : AsyncCommand<DoctorSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, DoctorSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var host = StorageHost.Build(settings);
        await using var scope = host.Services.CreateAsyncScope();
        if ((await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            throw new CliException("The metadata database is not migrated: run `kp db migrate` first.");
        var report = await scope.ServiceProvider.GetRequiredService<StorageDoctor>().ExamineAsync(settings.Repair, cancellationToken);
        if (scope.ServiceProvider.GetRequiredService<KnowledgePlatform.Core.Ports.IChunkIndex>() is IDisposable index) index.Dispose();

        var table = new Table().AddColumns("Knowledge base", "Tenant", "Ready documents", "Chunks (database)", "Chunks (index)");
        foreach (var kb in report.KnowledgeBases)
            table.AddRow(Markup.Escape($"{kb.Name} ({kb.KnowledgeBaseId})"), Markup.Escape(kb.TenantId), $"{kb.ReadyDocuments}", $"{kb.ExpectedChunks}", $"{kb.IndexedChunks}");
        AnsiConsole.Write(table);
        foreach (var f in report.Findings)
            AnsiConsole.MarkupLineInterpolated($"{(f.Repaired ? "[green]repaired[/]" : "[red]problem[/]")} {f.Check}{(f.KnowledgeBaseId is null ? "" : $" {f.KnowledgeBaseId}")}: {f.Detail}");
        AnsiConsole.MarkupLine(report.Findings.Count == 0 ? "[green]Clean: the database, the index and the files agree.[/]"
            : report.Healthy ? "[green]Everything found was repaired.[/]" : "[red]Problems remain[/] (run with --repair, or see above).");
        return report.Healthy ? 0 : 1;
    });
}
