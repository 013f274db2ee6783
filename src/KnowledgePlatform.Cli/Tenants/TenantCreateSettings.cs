using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Tenants;

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
