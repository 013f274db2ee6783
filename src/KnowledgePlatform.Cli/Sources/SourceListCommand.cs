using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

public sealed class SourceListCommand : AsyncCommand<SourceListSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceListSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        var sources = await api.GetAsync($"api/v1/knowledge-bases/{SourceApi.Id(settings.KnowledgeBase)}/sources", cancellationToken);
        var table = new Table().AddColumns("Id", "Name", "Reads", "Schedule", "Documents", "Last sync");
        foreach (var s in sources.EnumerateArray())
        {
            var reads = s.GetProperty("kind").GetString() == "web" ? s.GetProperty("web").GetProperty("startUrl").GetString() : s.GetProperty("folder").GetProperty("path").GetString();
            var schedule = s.GetProperty("paused").GetBoolean() ? "paused" : s.GetProperty("interval").ValueKind == JsonValueKind.Null ? "on demand" : "every " + s.GetProperty("interval").GetString();
            var last = s.GetProperty("lastRun");
            table.AddRow(Markup.Escape(s.GetProperty("id").GetString()!), Markup.Escape(s.GetProperty("name").GetString()!), Markup.Escape(reads ?? ""), schedule,
                s.GetProperty("documentCount").GetInt32().ToString(CultureInfo.InvariantCulture), last.ValueKind == JsonValueKind.Null ? "never" : Markup.Escape(SourceOutput.Summary(last)));
        }
        AnsiConsole.Write(table);
        return 0;
    });
}
