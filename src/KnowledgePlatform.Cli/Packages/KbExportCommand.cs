using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Packages;

public sealed class KbExportCommand : AsyncCommand<KbExportSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, KbExportSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var http = PackageTransfer.Client(settings);
        using var response = await http.GetAsync($"api/v1/knowledge-bases/{Uri.EscapeDataString(settings.KnowledgeBase)}/export", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await PackageTransfer.FailureAsync(response, cancellationToken);
        await using (var target = File.Create(settings.File))
            await response.Content.CopyToAsync(target, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]Exported {settings.KnowledgeBase} to {settings.File} ({new FileInfo(settings.File).Length:N0} bytes).[/]");
        return 0;
    });
}
