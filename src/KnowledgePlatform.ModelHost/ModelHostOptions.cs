using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.ModelHost;

/// <summary>
/// Configuration section "ModelHost" (also: --model-id, --queue): what the host adds to the model. The model file and how
/// it is run (ModelPath, ContextSize, Threads, Sequences, GpuLayers; --model, --ctx-size, --threads, --parallel,
/// --gpu-layers) are <see cref="Infrastructure.ChatModels.LlamaOptions"/> in the same section.
/// </summary>
public sealed class ModelHostOptions
{
    public const string Section = "ModelHost";

    /// <summary>The name clients use in "model"; the file name without extension when empty.</summary>
    public string? ModelId { get; set; }

    /// <summary>Requests that may wait for a sequence; beyond that the answer is 429 with Retry-After.</summary>
    [Range(0, 10_000)]
    public int QueueLimit { get; set; } = 8;

    /// <summary>Answer length when a request does not set max_tokens.</summary>
    [Range(1, 1_048_576)]
    public int MaxTokens { get; set; } = 512;
}
