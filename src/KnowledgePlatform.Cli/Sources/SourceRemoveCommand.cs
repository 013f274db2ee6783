using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

public sealed class SourceRemoveCommand : AsyncCommand<SourceRemoveSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceRemoveSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        await api.SendAsync(HttpMethod.Delete, $"api/v1/sources/{SourceApi.Id(settings.Source)}?deleteDocuments={(settings.DeleteDocuments ? "true" : "false")}", null, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]Removed {settings.Source}{(settings.DeleteDocuments ? " and its documents" : "; its documents stay")}.[/]");
        return 0;
    });
}
