using System.Text;
using KnowledgePlatform.Infrastructure.ChatModels;

namespace KnowledgePlatform.Infrastructure.Models;

/// <summary>
/// Generates a tiny Mixture-of-Experts model with random weights (qwen3moe architecture, a byte-level
/// vocabulary, a ChatML template) as a real GGUF file. llama.cpp loads and runs it like any other model;
/// its output is gibberish, so it serves to test and benchmark the serving mechanics (streaming,
/// cancellation, limits, queueing, metadata), never answers.
/// </summary>
public static class TinyMoeModel
{
    public sealed record Options
    {
        public int Embedding { get; init; } = 64;
        public int Blocks { get; init; } = 2;
        public int Heads { get; init; } = 4;
        public int KvHeads { get; init; } = 2;
        public int Experts { get; init; } = 4;
        public int ExpertsPerToken { get; init; } = 2;
        public int ExpertFeedForward { get; init; } = 32;
        public uint ContextLength { get; init; } = 2048;
        public int Seed { get; init; } = 42;
        /// <summary>F16 (the default, reported as quantization "F16") or F32 for the weight matrices.</summary>
        public uint WeightType { get; init; } = GgmlTypes.F16;
    }

    public const string Architecture = "qwen3moe";
    public const string ChatTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>The model's metadata and tensors, ready to write (or to damage, in tests).</summary>
    public static GgufWriter Build(Options? options = null)
    {
        var o = options ?? new Options();
        const string a = Architecture;
        var tokens = ByteTokens().Concat(["<|endoftext|>", "<|im_start|>", "<|im_end|>"]).ToArray();
        var vocab = tokens.Length;
        var endOfText = (uint)(vocab - 3);
        var headDim = o.Embedding / o.Heads;
        var q = o.Heads * headDim;
        var kv = o.KvHeads * headDim;
        ulong e = (ulong)o.Embedding, f = (ulong)o.ExpertFeedForward, x = (ulong)o.Experts;

        var w = new GgufWriter()
            .Add("general.architecture", a)
            .Add("general.name", "tiny-random-moe")
            .Add("general.file_type", o.WeightType)
            .Add($"{a}.context_length", o.ContextLength)
            .Add($"{a}.embedding_length", (uint)o.Embedding)
            .Add($"{a}.block_count", (uint)o.Blocks)
            .Add($"{a}.attention.head_count", (uint)o.Heads)
            .Add($"{a}.attention.head_count_kv", (uint)o.KvHeads)
            .Add($"{a}.attention.layer_norm_rms_epsilon", 1e-6f)
            .Add($"{a}.expert_count", (uint)o.Experts)
            .Add($"{a}.expert_used_count", (uint)o.ExpertsPerToken)
            .Add($"{a}.expert_feed_forward_length", (uint)o.ExpertFeedForward)
            .Add($"{a}.rope.freq_base", 1e6f)
            .Add("tokenizer.ggml.model", "gpt2")
            .Add("tokenizer.ggml.pre", "qwen2")
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.token_type", tokens.Select((_, i) => i >= vocab - 3 ? 3 : 1).ToArray())
            .Add("tokenizer.ggml.merges", Array.Empty<string>())
            .Add("tokenizer.ggml.bos_token_id", endOfText)
            .Add("tokenizer.ggml.eos_token_id", endOfText + 2)
            .Add("tokenizer.ggml.padding_token_id", endOfText)
            .Add("tokenizer.ggml.add_bos_token", false)
            .Add("tokenizer.chat_template", ChatTemplate);

        var random = new Random(o.Seed);
        float[] Random(ulong count, double scale) => Enumerable.Range(0, (int)count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        float[] Ones(ulong count) => Enumerable.Repeat(1f, (int)count).ToArray();
        void Matrix(string name, params ulong[] dims) =>
            w.AddTensor(name, dims, Random(dims.Aggregate(1UL, (p, d) => p * d), 1.0 / Math.Sqrt(dims[0])), o.WeightType);

        Matrix("token_embd.weight", e, (ulong)vocab);
        w.AddTensor("output_norm.weight", [e], Ones(e));
        for (var b = 0; b < o.Blocks; b++)
        {
            var p = $"blk.{b}.";
            w.AddTensor(p + "attn_norm.weight", [e], Ones(e));
            w.AddTensor(p + "ffn_norm.weight", [e], Ones(e));
            Matrix(p + "attn_q.weight", e, (ulong)q);
            Matrix(p + "attn_k.weight", e, (ulong)kv);
            Matrix(p + "attn_v.weight", e, (ulong)kv);
            Matrix(p + "attn_output.weight", (ulong)q, e);
            w.AddTensor(p + "attn_q_norm.weight", [(ulong)headDim], Ones((ulong)headDim));
            w.AddTensor(p + "attn_k_norm.weight", [(ulong)headDim], Ones((ulong)headDim));
            w.AddTensor(p + "ffn_gate_inp.weight", [e, x], Random(e * x, 1.0 / Math.Sqrt(e)));
            Matrix(p + "ffn_gate_exps.weight", e, f, x);
            Matrix(p + "ffn_up_exps.weight", e, f, x);
            Matrix(p + "ffn_down_exps.weight", f, e, x);
        }
        return w;
    }

    public static void Write(string path, Options? options = null) => Build(options).Write(path);

    /// <summary>GPT-2's byte-to-unicode table: every byte is one token, so any text can be tokenized.</summary>
    private static IEnumerable<string> ByteTokens()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        var next = 256;
        for (var b = 0; b < 256; b++)
            yield return new Rune(printable.Contains(b) ? b : next++).ToString();
    }
}
