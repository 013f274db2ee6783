using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Packages;

public sealed class KbExportSettings : CommonSettings
{
    [CommandArgument(0, "<kb>")]
    [Description("Knowledge base id or name.")]
    public string KnowledgeBase { get; init; } = "";

    [CommandArgument(1, "<file>")]
    [Description("Where to write the package (a zip).")]
    public string File { get; init; } = "";
}
