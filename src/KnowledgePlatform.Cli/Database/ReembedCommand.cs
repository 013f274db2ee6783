using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

/// <summary>kp reembed: moves a knowledge base to another embedding model (every chunk embedded again, index rebuilt).</summary>
public sealed class ReembedCommand : AsyncCommand<ReembedSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, ReembedSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        await using var client = await EmbeddedClient.OpenAsync(settings, cancellationToken);
        var last = DateTime.MinValue;
        var (from, to, chunks) = await client.ReembedAsync(settings.KnowledgeBase, settings.Model, new SynchronousProgress<(int Done, int Total)>(p =>
        {
            if (DateTime.UtcNow - last < TimeSpan.FromSeconds(2) && p.Done < p.Total) return;
            last = DateTime.UtcNow;
            AnsiConsole.MarkupLineInterpolated($"[grey]{p.Done}/{p.Total} chunks[/]");
        }), cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]{settings.KnowledgeBase}[/]: {chunks} chunks re-embedded, {from} → {to}; index rebuilt.");
        return 0;
    });
}
