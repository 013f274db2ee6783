using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

public sealed class RestoreSettings : DbSettings
{
    [CommandArgument(0, "<backup>")]
    [Description("A backup written by kp backup.")]
    public string Backup { get; init; } = "";
}
