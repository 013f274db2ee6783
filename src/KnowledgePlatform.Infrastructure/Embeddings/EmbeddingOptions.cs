using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>
/// Configuration section "Embedding": the default model (new knowledge bases use it), and in
/// <see cref="Additional"/> further models a knowledge base can be created with or re-embedded to,
/// e.g. bge-m3 behind an OpenAI-compatible endpoint for Chinese documents.
/// </summary>
public sealed class EmbeddingOptions : EmbeddingModelOptions
{
    public const string Section = "Embedding";

    public List<EmbeddingModelOptions> Additional { get; set; } = [];

    /// <summary>ONNX Runtime intra-op threads; 0 lets it decide.</summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>
    /// How the in-process ONNX model is run: "onnx-direct" (default) feeds ONNX Runtime directly with
    /// length-sorted small runs; "package" uses the SentenceTransformers package's own encoder. Same vectors.
    /// </summary>
    [Required, RegularExpression("^(onnx-direct|package)$", ErrorMessage = "Embedding:Runtime must be 'onnx-direct' or 'package'.")]
    public string Runtime { get; set; } = "onnx-direct";

    /// <summary>onnx-direct: texts per model run at most.</summary>
    [Range(1, 1024)]
    public int OnnxBatchSize { get; set; } = OnnxBatching.Default.MaxTexts;

    /// <summary>onnx-direct: padded tokens (texts × longest text) per model run at most.</summary>
    [Range(512, 1 << 20)]
    public int BatchTokens { get; set; } = OnnxBatching.Default.MaxTokens;

    public IEnumerable<string> Problems() =>
        new[] { Problem(Section) }.Concat(Additional.Select((m, i) => m.Problem($"{Section}:Additional:{i}")))
            .Concat(Additional.Append(this).GroupBy(m => m.Model).Where(g => g.Count() > 1).Select(g => $"The embedding model '{g.Key}' is configured twice."))
            .OfType<string>();
}
