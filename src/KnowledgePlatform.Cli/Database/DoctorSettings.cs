using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

public sealed class DoctorSettings : DbSettings
{
    [CommandOption("--repair")]
    [Description("Repair what can be repaired (on the embedded layout, stop the server first).")]
    public bool Repair { get; init; }
}
