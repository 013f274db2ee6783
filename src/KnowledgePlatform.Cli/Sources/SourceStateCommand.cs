using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

/// <summary>Pauses or resumes a source.</summary>
public abstract class SourceStateCommand(string action, string done) : AsyncCommand<SourceIdSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SourceIdSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        await api.SendAsync(HttpMethod.Post, $"api/v1/sources/{SourceApi.Id(settings.Source)}/{action}", null, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]{done} {settings.Source}.[/]");
        return 0;
    });
}
