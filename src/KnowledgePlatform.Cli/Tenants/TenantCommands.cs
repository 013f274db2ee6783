using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Tenants;

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
