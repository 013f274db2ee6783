using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

public sealed class SourceHistorySettings : SourceIdSettings
{
    [CommandOption("--run <ID>")]
    [Description("Show this sync's changes (added, updated, removed, failed with reasons).")]
    public string? Run { get; init; }
}
