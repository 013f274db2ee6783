using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Core.Ports;

/// <summary>
/// Marks an embedding call as background work (a knowledge base's calibration), which a generator may run so that it
/// never takes the cores from a search: the in-process ONNX generator runs it on the calling thread alone, in a
/// session of its own, so a low-priority thread stays low-priority (decision 0125). Generators that call out to a
/// server ignore the mark.
/// </summary>
public static class EmbeddingPriority
{
    private const string Key = "kp.priority";

    /// <summary>Options for a background call; a new instance each time, since options are mutable.</summary>
    public static EmbeddingGenerationOptions Background() => new() { AdditionalProperties = new() { [Key] = "background" } };

    public static bool IsBackground(EmbeddingGenerationOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Key, out var value) == true && value as string == "background";
}
