using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Knowledge;

public sealed class IngestSettings : CommonSettings
{
    [CommandArgument(0, "<kb>")]
    [Description("Knowledge base id or name; created (general vertical) when it does not exist.")]
    public string KnowledgeBase { get; init; } = "";

    [CommandArgument(1, "<paths>")]
    [Description("Files or folders (folders are read recursively).")]
    public string[] Paths { get; init; } = [];
}
