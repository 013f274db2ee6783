using KnowledgePlatform.Infrastructure.Maintenance;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

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
