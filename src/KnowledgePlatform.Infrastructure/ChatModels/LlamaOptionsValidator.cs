using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>
/// Checks the llama settings of one section at start-up, in that section's keys, including that the GGUF file is one
/// llama.cpp can load. <paramref name="whenNoModel"/>: what to say when no file is named at all (the model host's switches).
/// </summary>
public sealed class LlamaOptionsValidator(string section, string? whenNoModel = null) : IValidateOptions<LlamaOptions>
{
    public ValidateOptionsResult Validate(string? name, LlamaOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.ModelPath) && whenNoModel is not null) return ValidateOptionsResult.Fail(whenNoModel);
        List<string> problems = [];
        if (o.ContextSize is < 256 or > 1_048_576)
            problems.Add($"{section}:ContextSize must be between 256 and 1048576 tokens (it is {o.ContextSize}).");
        if (o.Threads is < 0 or > 512)
            problems.Add($"{section}:Threads must be between 0 (llama.cpp decides) and 512 (it is {o.Threads}).");
        if (o.Sequences is < 1 or > 64)
            problems.Add($"{section}:Sequences, the answers generated at once, must be between 1 and 64 (it is {o.Sequences}).");
        if (o.GpuLayers is < -1 or > 1000)
            problems.Add($"{section}:GpuLayers must be -1 (all layers), 0 (none) or a number of layers up to 1000 (it is {o.GpuLayers}).");
        if (GgufModelCard.Problem(o.ModelPath, $"{section}:ModelPath") is { } file) problems.Add(file);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
