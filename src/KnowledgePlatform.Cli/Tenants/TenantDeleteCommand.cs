using KnowledgePlatform.Cli.Sources;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Tenants;

public sealed class TenantDeleteCommand : AsyncCommand<TenantDeleteSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, TenantDeleteSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        if (!settings.Yes && !await AnsiConsole.ConfirmAsync($"Delete tenant {settings.Tenant} and all its documents, keys, users and history? This cannot be undone.", false, cancellationToken))
            return 1;
        using var api = SourceApi.Open(settings);
        await api.SendAsync(HttpMethod.Delete, $"api/v1/platform/tenants/{SourceApi.Id(settings.Tenant)}", null, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]Deleted {settings.Tenant} and everything of it.[/]");
        return 0;
    });
}
