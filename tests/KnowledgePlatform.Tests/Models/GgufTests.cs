using KnowledgePlatform.Infrastructure.ChatModels;
using KnowledgePlatform.Infrastructure.Models;
using Xunit;

namespace KnowledgePlatform.Tests.Models;

public sealed class GgufTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kp-gguf-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(GgufWriter writer, string name = "model.gguf")
    {
        var path = Path.Combine(_folder, name);
        writer.Write(path);
        return path;
    }

    private string WriteBytes(byte[] bytes)
    {
        var path = Path.Combine(_folder, "damaged.gguf");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] TinyBytes()
    {
        using var stream = new MemoryStream();
        TinyMoeModel.Build().Write(stream);
        return stream.ToArray();
    }

    private static string Rejected(string path) => Assert.Throws<ModelFileException>(() => GgufModelCard.Inspect(path)).Message;

    [Fact]
    public void The_tiny_model_reports_its_architecture_experts_and_quantization()
    {
        var card = GgufModelCard.Inspect(Write(TinyMoeModel.Build()));

        Assert.Equal("qwen3moe", card.Architecture);
        Assert.Equal("tiny-random-moe", card.Name);
        Assert.True(card.IsMixtureOfExperts);
        Assert.Equal(4u, card.ExpertCount);
        Assert.Equal(2u, card.ExpertsPerToken);
        Assert.Equal("F16", card.Quantization);
        Assert.Equal(2048u, card.ContextLength);
        Assert.True(card.HasChatTemplate);
    }

    [Fact]
    public void Active_parameters_count_only_the_experts_a_token_is_routed_to()
    {
        var card = GgufModelCard.Inspect(Write(TinyMoeModel.Build()));

        // Per block: 3 expert matrices of 64 × 32 × 4 experts; a token uses 2 of the 4.
        const ulong expertsPerBlock = 3 * 64 * 32 * 4;
        Assert.Equal(card.TotalParameters - 2 * expertsPerBlock / 2, card.ActiveParameters);
        var file = GgufFile.Read(Write(TinyMoeModel.Build(), "again.gguf"));
        Assert.Equal(file.Tensors.Aggregate(0UL, (a, t) => a + t.ElementCount), card.TotalParameters);
    }

    [Fact]
    public void Without_a_file_type_the_quantization_is_the_type_holding_most_weights()
    {
        var writer = TinyMoeModel.Build(new TinyMoeModel.Options { WeightType = GgmlTypes.F32 });
        writer.Remove("general.file_type");

        Assert.Equal("F32", GgufModelCard.Inspect(Write(writer)).Quantization);
    }

    [Fact]
    public void Metadata_values_and_tensor_shapes_read_back_as_written()
    {
        var file = GgufFile.Read(Write(TinyMoeModel.Build()));

        Assert.Equal(3u, file.Version);
        Assert.Equal(259, ((string[])file.Metadata["tokenizer.ggml.tokens"]).Length);
        Assert.Equal(1e-6f, (float)file.Metadata["qwen3moe.attention.layer_norm_rms_epsilon"]);
        var experts = Assert.Single(file.Tensors, t => t.Name == "blk.0.ffn_down_exps.weight");
        Assert.Equal([32UL, 64UL, 4UL], experts.Dimensions);
        Assert.Equal(0L, file.DataOffset % 32);
    }

    [Fact]
    public void A_file_with_the_wrong_magic_is_not_a_gguf_model()
    {
        var bytes = TinyBytes();
        "GGML"u8.CopyTo(bytes);

        Assert.Contains("not a GGUF model", Rejected(WriteBytes(bytes)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(200)]
    [InlineData(5000)]
    public void A_truncated_file_is_reported_as_truncated(int keep)
    {
        var path = WriteBytes(TinyBytes()[..keep]);

        var message = Rejected(path);
        Assert.True(message.Contains("truncated", StringComparison.Ordinal) || message.Contains("too short", StringComparison.Ordinal), message);
    }

    [Fact]
    public void A_file_missing_its_last_tensor_bytes_is_truncated_not_loaded()
    {
        var bytes = TinyBytes();

        Assert.Contains("truncated", Rejected(WriteBytes(bytes[..^100])), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qwen3moe.expert_count")]
    [InlineData("qwen3moe.expert_used_count")]
    public void A_moe_model_without_its_expert_keys_is_rejected_before_llama_cpp_aborts(string key)
    {
        var writer = TinyMoeModel.Build();
        writer.Remove(key);

        var message = Rejected(Write(writer));
        Assert.Contains(key, message, StringComparison.Ordinal);
        Assert.Contains("abort", message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_experts_per_token_than_experts_is_rejected()
    {
        var writer = TinyMoeModel.Build();
        writer.Remove("qwen3moe.expert_used_count");
        writer.Add("qwen3moe.expert_used_count", 9u);

        Assert.Contains("expert_used_count is 9", Rejected(Write(writer)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_stored_with_the_wrong_type_is_named()
    {
        var writer = TinyMoeModel.Build();
        writer.Remove("qwen3moe.context_length");
        writer.Add("qwen3moe.context_length", 2048);

        Assert.Contains("qwen3moe.context_length is stored as Int32", Rejected(Write(writer)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_absurd_tensor_count_is_refused_without_allocating()
    {
        var bytes = TinyBytes();
        BitConverter.GetBytes(ulong.MaxValue / 2).CopyTo(bytes, 8);

        Assert.Contains("tensors, more than the file", Rejected(WriteBytes(bytes)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_absurd_metadata_count_is_refused()
    {
        var bytes = TinyBytes();
        BitConverter.GetBytes(1UL << 40).CopyTo(bytes, 16);

        Assert.Contains("metadata entries", Rejected(WriteBytes(bytes)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_absurd_string_length_is_refused()
    {
        var bytes = TinyBytes();
        // The first key's length follows the 24-byte header.
        BitConverter.GetBytes(1UL << 50).CopyTo(bytes, 24);

        Assert.Contains("does not fit in the file", Rejected(WriteBytes(bytes)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_absurd_tensor_shape_is_refused()
    {
        var writer = new GgufWriter().Add("general.architecture", "llama");
        writer.AddTensor("huge.weight", [4], [1, 2, 3, 4]);
        var bytes = new MemoryStream();
        writer.Write(bytes);
        var raw = bytes.ToArray();
        // Name "huge.weight" (8 + 11 bytes), n_dims (4), then the first dimension.
        var at = IndexOf(raw, "huge.weight"u8.ToArray()) + 11 + 4;
        BitConverter.GetBytes(1UL << 60).CopyTo(raw, at);

        Assert.Contains("impossible shape", Rejected(WriteBytes(raw)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_without_a_vocabulary_is_rejected()
    {
        var writer = TinyMoeModel.Build();
        writer.Remove("tokenizer.ggml.tokens");

        Assert.Contains("no vocabulary", Rejected(Write(writer)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        Assert.Contains("cannot be opened", Rejected(Path.Combine(_folder, "nope.gguf")), StringComparison.Ordinal);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        }
        return -1;
    }
}
