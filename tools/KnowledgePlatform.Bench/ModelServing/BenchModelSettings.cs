using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Bench.ModelFiles;
using KnowledgePlatform.Cli;
using KnowledgePlatform.Infrastructure.ChatModels;
using KnowledgePlatform.ModelHost;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KnowledgePlatform.Bench.ModelServing;

public sealed class BenchModelSettings : CommandSettings
{
    [CommandOption("-m|--model <PATH>")]
    [Description("A GGUF file: kp-bench starts the model host in-process on a loopback port. Without --model or --url, a tiny random MoE model is generated (mechanics only).")]
    public string? Model { get; init; }

    [CommandOption("-u|--url <URL>")]
    [Description("An OpenAI-compatible endpoint already running (our model host, vLLM, llama.cpp server), e.g. http://localhost:8000/v1.")]
    public string? Url { get; init; }

    [CommandOption("--model-name <NAME>")]
    [Description("With --url: the model name to request; by default the first chat model of /v1/models.")]
    public string? ModelName { get; init; }

    [CommandOption("-n|--tokens <N>")]
    [Description("Tokens generated per request (end-of-generation is ignored so every run generates as many). Default 64.")]
    public int Tokens { get; init; } = 64;

    [CommandOption("-r|--runs <N>")]
    [Description("Rounds of each measurement; medians are reported. Default 3.")]
    public int Runs { get; init; } = 3;

    [CommandOption("--parallel <N>")]
    [Description("With --model: sequences the host runs at once. Default 4.")]
    public int Parallel { get; init; } = 4;

    [CommandOption("--queue <N>")]
    [Description("With --model: requests that may wait for a sequence before 429. Default 4.")]
    public int Queue { get; init; } = 4;

    [CommandOption("--threads <N>")]
    [Description("With --model: CPU threads per sequence (0: llama.cpp decides). Default 1.")]
    public int Threads { get; init; } = 1;

    [CommandOption("--ctx-size <N>")]
    [Description("With --model: context tokens per sequence. Default 2048.")]
    public int ContextSize { get; init; } = 2048;

    public override ValidationResult Validate() =>
        Model is not null && Url is not null ? ValidationResult.Error("Give --model or --url, not both.")
        : Tokens is < 1 or > 8192 ? ValidationResult.Error("--tokens must be between 1 and 8192.")
        : Runs is < 1 or > 100 ? ValidationResult.Error("--runs must be between 1 and 100.")
        : Url is null && Parallel + Queue < 4 ? ValidationResult.Error("The 4-stream measurement needs room for 4 requests: --parallel plus --queue must be at least 4.")
        : ValidationResult.Success();
}
