using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Tenants;

public sealed class TenantDeleteSettings : TenantIdSettings
{
    [CommandOption("--yes")]
    [Description("Do not ask for confirmation.")]
    public bool Yes { get; init; }
}
