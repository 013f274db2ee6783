using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli;

/// <summary>`kp tenant …`: tenant administration through a running server with a platform admin key (decision 156).</summary>
public static class TenantCommands
{
    public static void AddTenantCommands(this IConfigurator config) => config.AddBranch("tenant", tenant =>
    {
        tenant.SetDescription("Create, list, suspend, resume and delete tenants (through a running server, with a platform admin key).");
        tenant.AddCommand<TenantCreateCommand>("create").WithDescription("Create a tenant from a template and invite its first admin; the one-time link is printed once.")
            .WithExample("tenant", "create", "riverside", "--name", "Riverside Clinic", "--template", "medical", "--kb", "guidelines", "--admin-email", "lead@riverside.example");
        tenant.AddCommand<TenantListCommand>("list").WithDescription("Every tenant with its template, status and counts.");
        tenant.AddCommand<TenantSuspendCommand>("suspend").WithDescription("Suspend a tenant: its keys, tokens and portal users are refused until resumed.");
        tenant.AddCommand<TenantResumeCommand>("resume").WithDescription("Resume a suspended tenant.");
        tenant.AddCommand<TenantDeleteCommand>("delete").WithDescription("Delete a tenant and everything of it (irreversible; asks unless --yes).");
    });
}

public class TenantIdSettings : CommonSettings
{
    [CommandArgument(0, "<tenant>")]
    [Description("The tenant's id.")]
    public string Tenant { get; init; } = "";
}

public sealed class TenantCreateSettings : TenantIdSettings
{
    [CommandOption("--name <NAME>")]
    [Description("The tenant's display name (default: its id).")]
    public string? Name { get; init; }

    [CommandOption("--template <TEMPLATE>")]
    [Description("medical, customer-service or general (default): the tenant's policy and its first knowledge base's vertical.")]
    public string? Template { get; init; }

    [CommandOption("--kb <NAME>")]
    [Description("Create a first knowledge base with this name.")]
    public string? KnowledgeBase { get; init; }

    [CommandOption("--admin-email <EMAIL>")]
    [Description("Invite the tenant's first admin; the one-time link is printed once.")]
    public string? AdminEmail { get; init; }
}

public sealed class TenantSuspendSettings : TenantIdSettings
{
    [CommandOption("--reason <TEXT>")]
    [Description("Shown to the tenant's refused callers.")]
    public string? Reason { get; init; }
}

public sealed class TenantDeleteSettings : TenantIdSettings
{
    [CommandOption("--yes")]
    [Description("Do not ask for confirmation.")]
    public bool Yes { get; init; }
}

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
