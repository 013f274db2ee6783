using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Cli.Sources;

public sealed class SourceSyncSettings : SourceIdSettings
{
    [CommandOption("-w|--wait")]
    [Description("Follow the sync with a progress bar until it ends, then list what changed.")]
    public bool Wait { get; init; }
}
