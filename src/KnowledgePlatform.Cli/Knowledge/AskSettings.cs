using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Knowledge;

public sealed class AskSettings : CommonSettings
{
    [CommandArgument(0, "<kb>")]
    public string KnowledgeBase { get; init; } = "";

    [CommandArgument(1, "<question>")]
    public string Question { get; init; } = "";
}
