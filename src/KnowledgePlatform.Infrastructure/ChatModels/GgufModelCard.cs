namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>
/// What a GGUF model is, from its metadata and tensor shapes: architecture, size, quantization and, for a
/// Mixture-of-Experts model, how many experts it has, how many run per token, and so how many of its
/// parameters are active per token (the figure that makes an MoE model cheap to run).
/// </summary>
public sealed record GgufModelCard(
    string Path,
    string Architecture,
    string? Name,
    string Quantization,
    long FileSizeBytes,
    uint ContextLength,
    uint EmbeddingLength,
    uint BlockCount,
    uint? ExpertCount,
    uint? ExpertsPerToken,
    ulong TotalParameters,
    ulong ActiveParameters,
    bool HasChatTemplate)
{
    public bool IsMixtureOfExperts => ExpertCount is > 1;

    /// <summary>
    /// Reads and checks a GGUF file before llama.cpp sees it. llama.cpp aborts the whole process on some
    /// malformed files (a Mixture-of-Experts model without its expert keys trips a GGML_ASSERT), so
    /// everything it would assert on is checked here and reported as a <see cref="ModelFileException"/>.
    /// </summary>
    public static GgufModelCard Inspect(string path)
    {
        GgufFile file;
        try
        {
            file = GgufFile.Read(path);
        }
        catch (ModelFileException ex)
        {
            throw new ModelFileException($"'{path}' is not a usable GGUF model: {ex.Message}");
        }
        try
        {
            return From(path, file);
        }
        catch (ModelFileException ex)
        {
            throw new ModelFileException($"'{path}' is not a usable GGUF model: {ex.Message}");
        }
    }

    /// <summary>Why the file named by <paramref name="setting"/> cannot be served, or null when it can: for options validation.</summary>
    public static string? Problem(string? path, string setting)
    {
        if (string.IsNullOrWhiteSpace(path)) return $"{setting} must be the path of a GGUF model file.";
        if (!File.Exists(path)) return $"{setting}: the model file '{System.IO.Path.GetFullPath(path)}' does not exist.";
        try
        {
            Inspect(path);
            return null;
        }
        catch (ModelFileException ex)
        {
            return $"{setting}: {ex.Message}";
        }
    }

    /// <summary>Architectures llama.cpp builds as Mixture-of-Experts: their expert keys are mandatory.</summary>
    private static readonly HashSet<string> MoeArchitectures = new(StringComparer.Ordinal)
    {
        "qwen2moe", "qwen3moe", "qwen3vlmoe", "olmoe", "deepseek", "deepseek2", "granitemoe", "granitehybrid", "gpt-oss",
        "dbrx", "arctic", "phimoe", "grok", "bailingmoe", "bailingmoe2", "llama4", "hunyuan-moe", "ernie4_5-moe",
        "glm4moe", "dots1", "minimax-m2", "jamba", "smallthinker", "grovemoe", "afmoe", "lfm2moe",
    };

    public static GgufModelCard From(string path, GgufFile file)
    {
        var arch = file.GetString("general.architecture");
        if (string.IsNullOrWhiteSpace(arch)) throw new ModelFileException("general.architecture is missing, so no loader knows how to build the model.");

        var blockCount = RequiredU32(file, $"{arch}.block_count");
        var embedding = RequiredU32(file, $"{arch}.embedding_length");
        var context = RequiredU32(file, $"{arch}.context_length");
        if (blockCount == 0 || embedding == 0 || context == 0)
            throw new ModelFileException($"{arch}.block_count, {arch}.embedding_length and {arch}.context_length must be positive.");

        if (file.Metadata.GetValueOrDefault("tokenizer.ggml.tokens") is not string[] { Length: > 0 } tokens)
            throw new ModelFileException("tokenizer.ggml.tokens is missing or empty: the model has no vocabulary.");
        if (file.GetString("tokenizer.ggml.model") is null)
            throw new ModelFileException("tokenizer.ggml.model is missing: the tokenizer type is unknown.");
        foreach (var key in new[] { "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.padding_token_id" })
        {
            if (file.Metadata.GetValueOrDefault(key) is uint id && id >= tokens.Length)
                throw new ModelFileException($"{key} is {id} but the vocabulary has {tokens.Length} tokens.");
        }

        var expertTensors = file.Tensors.Where(t => t.Name.Contains("_exps", StringComparison.Ordinal)).ToList();
        uint? experts = null, used = null;
        if (MoeArchitectures.Contains(arch) || expertTensors.Count > 0 || file.Metadata.ContainsKey($"{arch}.expert_count"))
        {
            experts = RequiredU32(file, $"{arch}.expert_count", "a Mixture-of-Experts model needs it, and llama.cpp would abort the process without it");
            used = RequiredU32(file, $"{arch}.expert_used_count", "a Mixture-of-Experts model needs it, and llama.cpp would abort the process without it");
            if (experts == 0) throw new ModelFileException($"{arch}.expert_count is 0.");
            if (used == 0 || used > experts) throw new ModelFileException($"{arch}.expert_used_count is {used}; it must be between 1 and {arch}.expert_count ({experts}).");
            foreach (var t in expertTensors)
            {
                if (t.Dimensions.Length != 3 || t.Dimensions[2] != experts)
                    throw new ModelFileException($"Tensor '{t.Name}' has shape [{string.Join(", ", t.Dimensions)}] but the model declares {experts} experts.");
            }
        }

        // Active parameters: every tensor except the routed experts, plus the share of them a token uses.
        var total = 0UL;
        var expertParams = 0UL;
        foreach (var t in file.Tensors)
        {
            total += t.ElementCount;
            if (t.Name.Contains("_exps", StringComparison.Ordinal)) expertParams += t.ElementCount;
        }
        var active = experts is { } x && used is { } u ? total - expertParams + expertParams / x * u : total;

        return new GgufModelCard(
            path, arch, file.GetString("general.name"), QuantizationOf(file), file.FileLength, context, embedding, blockCount,
            experts, used, total, active, file.GetString("tokenizer.chat_template") is not null);
    }

    /// <summary>The file type llama.cpp recorded, else the type holding most of the weights.</summary>
    private static string QuantizationOf(GgufFile file)
    {
        if (file.Metadata.GetValueOrDefault("general.file_type") is uint ft && GgmlTypes.FileTypeName(ft) is { } name) return name;
        return file.Tensors.Count == 0 ? "unknown"
            : GgmlTypes.Name(file.Tensors.GroupBy(t => t.Type).MaxBy(g => g.Aggregate(0UL, (a, t) => a + t.ElementCount))!.Key);
    }

    private static uint RequiredU32(GgufFile file, string key, string? why = null) => file.Metadata.GetValueOrDefault(key) switch
    {
        uint v => v,
        null => throw new ModelFileException($"{key} is missing{(why is null ? "" : $": {why}")}."),
        var other => throw new ModelFileException($"{key} is stored as {other.GetType().Name}; llama.cpp reads it only as u32."),
    };
}
