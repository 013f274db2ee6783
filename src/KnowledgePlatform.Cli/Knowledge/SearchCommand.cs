using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Knowledge;

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
