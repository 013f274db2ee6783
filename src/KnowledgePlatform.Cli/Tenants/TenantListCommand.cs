using System.Globalization;
using System.Text.Json;
using KnowledgePlatform.Cli.Sources;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Tenants;

public sealed class TenantListCommand : AsyncCommand<CommonSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, CommonSettings settings, CancellationToken cancellationToken) => Clients.RunAsync(async () =>
    {
        using var api = SourceApi.Open(settings);
        var tenants = await api.GetAsync("api/v1/platform/tenants", cancellationToken);
        var table = new Table().AddColumns("Id", "Name", "Policy", "Status", "Knowledge bases", "Documents", "Users", "Created");
        foreach (var t in tenants.EnumerateArray())
        {
            var status = t.GetProperty("suspendedAt").ValueKind == JsonValueKind.Null ? "active"
                : "[red]suspended[/]" + (t.GetProperty("suspensionReason").GetString() is { } reason ? ": " + Markup.Escape(reason) : "");
            table.AddRow(Markup.Escape(t.GetProperty("id").GetString()!), Markup.Escape(t.GetProperty("name").GetString()!), Markup.Escape(t.GetProperty("policyTemplate").GetString() ?? "default"),
                status, Count(t, "knowledgeBases"), Count(t, "documents"), Count(t, "users"), t.GetProperty("createdAt").GetDateTimeOffset().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        return 0;
    });

    private static string Count(JsonElement tenant, string name) => tenant.GetProperty(name).GetInt32().ToString(CultureInfo.InvariantCulture);
}
