using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

public sealed class SourceRemoveSettings : SourceIdSettings
{
    [CommandOption("--delete-documents")]
    [Description("Also remove the source's documents from the knowledge base (otherwise they stay as ordinary documents).")]
    public bool DeleteDocuments { get; init; }
}
