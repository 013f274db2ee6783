using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Packages;

public sealed class KbImportSettings : CommonSettings
{
    [CommandArgument(0, "<file>")]
    [Description("A package written by `kp kb export`.")]
    public string File { get; init; } = "";

    [CommandOption("-n|--name <NAME>")]
    [Description("Name of the new knowledge base (default: the name in the package).")]
    public string? Name { get; init; }
}
