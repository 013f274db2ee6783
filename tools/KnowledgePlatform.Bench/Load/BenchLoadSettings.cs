using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.Load;

public sealed class BenchLoadSettings : DemoServerSettings
{
    [CommandOption("-u|--url <URL>")]
    [Description("A running server to load (with the demo tenants). Default: start KnowledgePlatform.Server with the samples in a temp folder.")]
    public string? Url { get; init; }

    [CommandOption("--clients <LIST>")]
    [Description("Concurrent clients per step. Default: 1,8,32,128")]
    public string Clients { get; init; } = "1,8,32,128";

    [CommandOption("--requests <N>")]
    [Description("At most N searches per step. Default: 1000")]
    public int Requests { get; init; } = 1000;

    [CommandOption("--ask-requests <N>")]
    [Description("At most N asks per step (extractive and model). Default: 300")]
    public int AskRequests { get; init; } = 300;

    [CommandOption("--step-seconds <S>")]
    [Description("At most S seconds per step. Default: 30")]
    public int StepSeconds { get; init; } = 30;

    [CommandOption("--no-model")]
    [Description("Skip the asks through the model host with the generated tiny MoE model.")]
    public bool NoModel { get; init; }

    [CommandOption("--model-tokens <N>")]
    [Description("Tokens the model generates per answer (Chat:MaxTokens). Default: 24")]
    public int ModelTokens { get; init; } = 24;

    [CommandOption("--model-sequences <N>")]
    [Description("Sequences the model host runs at once. Default: 4")]
    public int ModelSequences { get; init; } = 4;

    [CommandOption("--visitors <N>")]
    [Description("Simulated widget visitors in the mixed run (0: no mixed run). Default: 100")]
    public int Visitors { get; init; } = 100;

    [CommandOption("--duration <S>")]
    [Description("Seconds of the mixed run. Default: 300")]
    public int Duration { get; init; } = 300;

    [CommandOption("--documents <N>")]
    [Description("Documents the curator ingests during the mixed run. Default: 200")]
    public int Documents { get; init; } = 200;

    [CommandOption("--think-ms <MS>")]
    [Description("A visitor's pause between two questions. Default: 1000")]
    public int ThinkMs { get; init; } = 1000;

    [CommandOption("--markdown <FILE>")]
    [Description("Also write the figures as Markdown tables to FILE (for docs/benchmarks).")]
    public string? Markdown { get; init; }

    [CommandOption("--baseline-queries <N>")]
    [Description("Bare index queries timed for the baseline. Default: 300")]
    public int BaselineQueries { get; init; } = 300;

    public IReadOnlyList<int> ClientSteps => Clients.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();

    public override ValidationResult Validate()
    {
        if (Clients.Split(',', StringSplitOptions.RemoveEmptyEntries).Any(c => !int.TryParse(c.Trim(), out var n) || n < 1 || n > 4096))
            return ValidationResult.Error("--clients is a comma-separated list of numbers from 1 to 4096.");
        return Requests < 1 || AskRequests < 1 || StepSeconds < 1 || Duration < 1 || ModelTokens < 1 || ModelSequences < 1
            ? ValidationResult.Error("--requests, --ask-requests, --step-seconds, --duration, --model-tokens and --model-sequences must be at least 1.")
            : Visitors < 0 || Documents < 0 || ThinkMs < 0 || BaselineQueries < 0 ? ValidationResult.Error("--visitors, --documents, --think-ms and --baseline-queries cannot be negative.")
            : ValidationResult.Success();
    }
}
