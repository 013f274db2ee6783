using Spectre.Console;

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
