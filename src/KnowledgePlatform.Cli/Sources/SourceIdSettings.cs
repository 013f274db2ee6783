using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

public class SourceIdSettings : CommonSettings
{
    [CommandArgument(0, "<source>")]
    [Description("The source's id (src_…), as `kp source list` shows it.")]
    public string Source { get; init; } = "";
}
