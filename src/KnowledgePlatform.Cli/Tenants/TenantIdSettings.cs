using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Tenants;

public class TenantIdSettings : CommonSettings
{
    [CommandArgument(0, "<tenant>")]
    [Description("The tenant's id.")]
    public string Tenant { get; init; } = "";
}
