using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Knowledge;

public sealed class IngestCommand : AsyncCommand<IngestSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, IngestSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        var files = settings.Paths.SelectMany(Expand).Distinct().ToList();
        if (files.Count == 0) throw new CliException("No files found at the given paths.");
        await using var client = await Clients.OpenAsync(settings, cancellationToken);
        IReadOnlyList<IngestOutcome> outcomes = [];
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var bars = files.ToDictionary(f => f, f => ctx.AddTask(Markup.Escape(Path.GetFileName(f)), maxValue: 100));
                var progress = new SynchronousProgress<IngestProgress>(p =>
                {
                    var bar = bars[p.File];
                    bar.Description = Markup.Escape($"{Path.GetFileName(p.File)} · {p.Step ?? p.Status}");
                    bar.Value = p.Percent;
                    if (p.Status is "ready" or "failed" or "refused") bar.StopTask();
                });
                outcomes = await client.IngestAsync(settings.KnowledgeBase, files, progress, cancellationToken);
            });

        var table = new Table().AddColumns("File", "Status", "Chunks", "Reason");
        foreach (var o in outcomes)
            table.AddRow(Markup.Escape(Path.GetFileName(o.File)), o.Status == "ready" ? "[green]ready[/]" : $"[red]{o.Status}[/]", o.Chunks.ToString(), Markup.Escape(o.Error ?? ""));
        AnsiConsole.Write(table);
        return outcomes.All(o => o.Status == "ready") ? 0 : 2;
    });

    private static IEnumerable<string> Expand(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).Order()
        : File.Exists(path) ? [path]
        : throw new CliException($"'{path}' does not exist.");
}
