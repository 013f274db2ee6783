using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Database;

public sealed class ReindexSettings : DbSettings
{
    [CommandOption("--kb <ID>")]
    [Description("Only this knowledge base (its id); default: every knowledge base.")]
    public string? KnowledgeBase { get; init; }
}
