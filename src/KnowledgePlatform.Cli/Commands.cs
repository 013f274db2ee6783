using KnowledgePlatform.Rag.Answering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli;

public static class Clients
{
    public static async Task<IKnowledgeClient> OpenAsync(CommonSettings settings, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(settings.Server)
            ? await EmbeddedClient.OpenAsync(settings, cancellationToken)
            : new HttpKnowledgeClient(settings.Server, settings.Key!);

    /// <summary>Runs a command body, turning expected failures into a red line and exit code 1.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception ex) when (ex is CliException or HttpRequestException or IOException or Microsoft.Extensions.Options.OptionsValidationException
            or System.Data.Common.DbException or Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException or KnowledgePlatform.Core.Ports.IndexUnavailableException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return 1;
        }
    }
}

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

public sealed class SearchCommand : AsyncCommand<SearchSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SearchSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        await using var client = await Clients.OpenAsync(settings, cancellationToken);
        var hits = await client.SearchAsync(settings.KnowledgeBase, settings.Query, settings.Top, cancellationToken);
        if (hits.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]Nothing relevant found in the knowledge base.[/]");
            return 0;
        }
        var table = new Table().AddColumns("#", "Score", "File", "Location", "Text");
        var rank = 0;
        foreach (var h in hits)
        {
            var text = h.Text.Length > 160 ? h.Text[..160] + "…" : h.Text;
            table.AddRow((++rank).ToString(), h.Score.ToString("0.0000"), Markup.Escape(h.FileName), Markup.Escape(h.Location), Markup.Escape(text.ReplaceLineEndings(" ")));
        }
        AnsiConsole.Write(table);
        return 0;
    });
}

public sealed class AskCommand : AsyncCommand<AskSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AskSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        await using var client = await Clients.OpenAsync(settings, cancellationToken);
        IReadOnlyList<Citation> citations = [];
        AnswerCompleted? done = null;
        await foreach (var e in client.AskAsync(settings.KnowledgeBase, settings.Question, cancellationToken))
        {
            switch (e)
            {
                case AnswerDelta d: Console.Write(d.Text); break;
                case AnswerCitations c: citations = c.Citations; break;
                case AnswerCompleted c: done = c; break;
            }
        }
        Console.WriteLine();
        foreach (var c in citations)
            AnsiConsole.MarkupLineInterpolated($"[grey][[{c.Number}]] {c.DocumentTitle} ({c.FileName}, {c.Location}): \"{c.Quote}\"[/]");
        if (done is not null)
        {
            if (done.Status == AnswerStatus.Ungrounded)
                AnsiConsole.MarkupLineInterpolated($"[yellow]{done.Model}: ungrounded: the answer does not cite the knowledge base; check it before use.[/]");
            else
                AnsiConsole.MarkupLineInterpolated($"[grey]{done.Model}: {done.Status}[/]");
        }
        return 0;
    });
}

/// <summary>Progress&lt;T&gt; posts to the thread pool; the progress display wants the update now.</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
