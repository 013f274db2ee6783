using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

public sealed class SourceListSettings : CommonSettings
{
    [CommandArgument(0, "<kb>")]
    [Description("Knowledge base id or name.")]
    public string KnowledgeBase { get; init; } = "";
}
