using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

public sealed class BackupSettings : DbSettings
{
    [CommandArgument(0, "<output>")]
    [Description("The backup to write (a new .zip file).")]
    public string Output { get; init; } = "";
}
