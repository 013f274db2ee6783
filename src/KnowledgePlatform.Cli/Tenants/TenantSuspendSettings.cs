using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Tenants;

public sealed class TenantSuspendSettings : TenantIdSettings
{
    [CommandOption("--reason <TEXT>")]
    [Description("Shown to the tenant's refused callers.")]
    public string? Reason { get; init; }
}
