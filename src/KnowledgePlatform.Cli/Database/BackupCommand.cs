using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.Maintenance;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

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
