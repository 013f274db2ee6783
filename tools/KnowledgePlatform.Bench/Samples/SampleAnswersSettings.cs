using System.ComponentModel;
using KnowledgePlatform.Bench.Load;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.Samples;

public sealed class SampleAnswersSettings : DemoServerSettings
{
    [CommandOption("-u|--url <URL>")]
    [Description("A running server with the demo tenants, asked as it is calibrated. Default: start KnowledgePlatform.Server with the samples in a temp folder and calibrate both knowledge bases once they are ingested.")]
    public string? Url { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("Write every question's outcome and answer as JSON.")]
    public string? Out { get; init; }
}
