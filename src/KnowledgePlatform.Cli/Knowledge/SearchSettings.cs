using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Knowledge;

public sealed class SearchSettings : CommonSettings
{
    [CommandArgument(0, "<kb>")]
    public string KnowledgeBase { get; init; } = "";

    [CommandArgument(1, "<query>")]
    public string Query { get; init; } = "";

    [CommandOption("-n|--top <N>")]
    public int Top { get; init; } = 5;
}
