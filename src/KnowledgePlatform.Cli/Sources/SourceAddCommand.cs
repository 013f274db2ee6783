using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

public sealed class SourceAddCommand : AsyncCommand<SourceAddSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceAddSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        var body = new Dictionary<string, object?>
        {
            ["name"] = settings.Name,
            ["kind"] = settings.Web is not null ? "web" : "folder",
            ["interval"] = SourceCommands.Duration(settings.Every, "--every")?.ToString("c", CultureInfo.InvariantCulture),
            ["removalGrace"] = SourceCommands.Duration(settings.Grace, "--grace")?.ToString("c", CultureInfo.InvariantCulture),
            ["syncNow"] = !settings.NoSync,
            ["web"] = settings.Web is null ? null : new
            {
                startUrl = settings.Web, pathPrefix = settings.Prefix, maxDepth = settings.Depth, maxPages = settings.Pages,
                requestInterval = SourceCommands.Duration(settings.Pause, "--pause")?.ToString("c", CultureInfo.InvariantCulture),
            },
            ["folder"] = settings.Folder is null ? null : new { path = settings.Folder, watch = !settings.NoWatch },
        };
        var source = await api.SendAsync(HttpMethod.Post, $"api/v1/knowledge-bases/{SourceApi.Id(settings.KnowledgeBase)}/sources", body, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]Added source {source.GetProperty("name").GetString()} ({source.GetProperty("id").GetString()}).[/]");
        if (source.GetProperty("lastRun") is { ValueKind: JsonValueKind.Object } run)
            AnsiConsole.MarkupLineInterpolated($"Its first sync {run.GetProperty("id").GetString()} is queued; follow it with kp source sync {source.GetProperty("id").GetString()} --wait.");
        return 0;
    });
}
