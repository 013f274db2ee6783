using KnowledgePlatform.Cli.Sources;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Tenants;

public sealed class TenantResumeCommand : AsyncCommand<TenantIdSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, TenantIdSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        await api.SendAsync(HttpMethod.Post, $"api/v1/platform/tenants/{SourceApi.Id(settings.Tenant)}/resume", null, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]Resumed {settings.Tenant}.[/]");
        return 0;
    });
}
