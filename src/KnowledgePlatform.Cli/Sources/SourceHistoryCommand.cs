using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

public sealed class SourceHistoryCommand : AsyncCommand<SourceHistorySettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceHistorySettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        if (settings.Run is { } run)
        {
            SourceOutput.Write(await api.GetAsync($"api/v1/sync-runs/{SourceApi.Id(run)}", cancellationToken));
            return 0;
        }
        var runs = await api.GetAsync($"api/v1/sources/{SourceApi.Id(settings.Source)}/runs", cancellationToken);
        var table = new Table().AddColumns("Sync", "Started", "Trigger", "Outcome");
        foreach (var r in runs.EnumerateArray())
            table.AddRow(Markup.Escape(r.GetProperty("id").GetString()!), r.GetProperty("createdAt").GetDateTimeOffset().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                r.GetProperty("trigger").GetString()!, Markup.Escape(SourceOutput.Summary(r)));
        AnsiConsole.Write(table);
        return 0;
    });
}
