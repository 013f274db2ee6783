using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>
/// How a GGUF model is run in-process: by the llamasharp chat provider (keys in the "Chat" section) and by the model host
/// (keys in the "ModelHost" section). The same keys in both, bound by <see cref="LlamaModelRegistration.AddLlamaModel"/>.
/// </summary>
public sealed class LlamaOptions
{
    /// <summary>The GGUF file.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>Tokens of context per sequence (prompt and answer together).</summary>
    public uint ContextSize { get; set; } = 4096;

    /// <summary>CPU threads per sequence; 0 lets llama.cpp decide.</summary>
    public int Threads { get; set; }

    /// <summary>Sequences generated at once; more requests wait for a free one.</summary>
    public int Sequences { get; set; } = 1;

    /// <summary>Layers offloaded to a GPU when a GPU backend package is present (-1: all).</summary>
    public int GpuLayers { get; set; }
}
