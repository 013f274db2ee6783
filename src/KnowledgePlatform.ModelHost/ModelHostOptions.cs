using System.ComponentModel.DataAnnotations;
using KnowledgePlatform.Infrastructure.ChatModels;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.ModelHost;

/// <summary>Configuration section "ModelHost" (also: --model, --parallel, --queue, --ctx-size, --threads, --gpu-layers).</summary>
public sealed class ModelHostOptions
{
    public const string Section = "ModelHost";

    /// <summary>The GGUF file to serve.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>The name clients use in "model"; the file name without extension when empty.</summary>
    public string? ModelId { get; set; }

    [Range(256, 1_048_576)]
    public uint ContextSize { get; set; } = 4096;

    /// <summary>CPU threads per sequence; 0 lets llama.cpp decide.</summary>
    [Range(0, 512)]
    public int Threads { get; set; }

    /// <summary>Sequences generated at once: the server never runs more.</summary>
    [Range(1, 64)]
    public int Sequences { get; set; } = 1;

    /// <summary>Requests that may wait for a sequence; beyond that the answer is 429 with Retry-After.</summary>
    [Range(0, 10_000)]
    public int QueueLimit { get; set; } = 8;

    [Range(-1, 1000)]
    public int GpuLayers { get; set; }

    /// <summary>Answer length when a request does not set max_tokens.</summary>
    [Range(1, 1_048_576)]
    public int MaxTokens { get; set; } = 512;

    public LlamaSettings Llama() => new(Path.GetFullPath(ModelPath))
    {
        ContextSize = ContextSize,
        Threads = Threads,
        Sequences = Sequences,
        GpuLayers = GpuLayers,
    };
}

internal sealed class ModelHostOptionsValidator : IValidateOptions<ModelHostOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelHostOptions o) =>
        string.IsNullOrWhiteSpace(o.ModelPath) ? ValidateOptionsResult.Fail("No model: start with --model PATH (a GGUF file) or set ModelHost:ModelPath.")
        : GgufModelCard.Problem(o.ModelPath, "ModelHost:ModelPath") is { } problem ? ValidateOptionsResult.Fail(problem)
        : ValidateOptionsResult.Success;
}
