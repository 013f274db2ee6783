using System.ComponentModel;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.Load;

/// <summary>Where a benchmark that starts the demo server finds the server and the samples.</summary>
public abstract class DemoServerSettings : CommandSettings
{
    [CommandOption("--server <DLL>")]
    [Description("KnowledgePlatform.Server.dll to start. Default: the build next to this kp-bench, found from the repository root.")]
    public string? Server { get; init; }

    [CommandOption("--samples <DIR>")]
    [Description("The samples folder (medical/, customer-service/, questions.md). Default: samples/ above the current folder.")]
    public string? Samples { get; init; }
}
