using KnowledgePlatform.Cli.Sources;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Tenants;

public sealed class TenantSuspendCommand : AsyncCommand<TenantSuspendSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, TenantSuspendSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        await api.SendAsync(HttpMethod.Post, $"api/v1/platform/tenants/{SourceApi.Id(settings.Tenant)}/suspend", new { reason = settings.Reason }, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[yellow]Suspended {settings.Tenant}: its keys, tokens and portal users are refused until `kp tenant resume {settings.Tenant}`.[/]");
        return 0;
    });
}
