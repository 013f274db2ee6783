using System.Text.Json;
using KnowledgePlatform.Cli.Sources;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Tenants;

public sealed class TenantCreateCommand : AsyncCommand<TenantCreateSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, TenantCreateSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        var created = await api.SendAsync(HttpMethod.Post, "api/v1/platform/tenants",
            new { id = settings.Tenant, name = settings.Name, template = settings.Template, knowledgeBase = settings.KnowledgeBase, adminEmail = settings.AdminEmail }, cancellationToken);
        var tenant = created.GetProperty("tenant");
        AnsiConsole.MarkupLineInterpolated($"[green]Created tenant {tenant.GetProperty("id").GetString()}[/] ({tenant.GetProperty("name").GetString()}), policy {tenant.GetProperty("policyTemplate").GetString() ?? "default"}.");
        if (created.GetProperty("invitation") is { ValueKind: JsonValueKind.Object } invitation)
        {
            AnsiConsole.MarkupLineInterpolated($"Invitation for {invitation.GetProperty("email").GetString()} ({invitation.GetProperty("role").GetString()}), valid until {invitation.GetProperty("expiresAt").GetDateTimeOffset():u}, works once:");
            // Printed plainly so it can be copied; it is shown this once only.
            Console.WriteLine(invitation.GetProperty("link").GetString());
            AnsiConsole.MarkupLine("[yellow]Send this link to the invitee now: it is not shown again.[/]");
        }
        return 0;
    });
}
