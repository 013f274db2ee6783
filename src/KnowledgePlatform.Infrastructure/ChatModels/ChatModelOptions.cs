using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>
/// Configuration section "Chat": which generative model answers questions. For llamasharp the same section also holds
/// the GGUF file and how it is run (ModelPath, ContextSize, Threads, Sequences, GpuLayers): <see cref="LlamaOptions"/>.
/// </summary>
public sealed class ChatModelOptions
{
    public const string Section = "Chat";
    public const string Extractive = "extractive";
    public const string LlamaSharp = "llamasharp";
    public const string OpenAiCompatible = "openai-compatible";

    /// <summary>extractive (no model: quotes the evidence), llamasharp (a GGUF file in-process) or openai-compatible (an endpoint).</summary>
    public string Provider { get; set; } = Extractive;

    /// <summary>openai-compatible: the API root, e.g. http://localhost:8000/v1 (vLLM, llama.cpp server, Ollama, SGLang, our model host).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>openai-compatible: the model name the endpoint serves.</summary>
    public string? Model { get; set; }

    /// <summary>openai-compatible: the key, when the endpoint wants one.</summary>
    public string? ApiKey { get; set; }

    [Range(0.0, 2.0)]
    public float Temperature { get; set; } = 0.2f;

    /// <summary>Fixes sampling, for reproducible answers.</summary>
    public int? Seed { get; set; }

    /// <summary>Longest answer, in tokens.</summary>
    [Range(1, 32768)]
    public int MaxTokens { get; set; } = 512;

    /// <summary>openai-compatible: how long one answer may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Checks the Chat section at start-up (a llamasharp model's settings: <see cref="LlamaOptionsValidator"/>).</summary>
internal sealed class ChatModelOptionsValidator : IValidateOptions<ChatModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatModelOptions o)
    {
        switch (o.Provider)
        {
            case ChatModelOptions.Extractive:
                return ValidateOptionsResult.Success;
            case ChatModelOptions.OpenAiCompatible:
                if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                    return ValidateOptionsResult.Fail("Chat:BaseUrl must be the http(s) URL of an OpenAI-compatible API, e.g. http://localhost:8000/v1.");
                return string.IsNullOrWhiteSpace(o.Model)
                    ? ValidateOptionsResult.Fail("Chat:Model must name the model the endpoint serves.")
                    : ValidateOptionsResult.Success;
            case ChatModelOptions.LlamaSharp:
                return ValidateOptionsResult.Success; // the model's own settings: LlamaOptionsValidator
            default:
                return ValidateOptionsResult.Fail($"Chat:Provider '{o.Provider}' is not one of: {ChatModelOptions.Extractive}, {ChatModelOptions.LlamaSharp}, {ChatModelOptions.OpenAiCompatible}.");
        }
    }
}
