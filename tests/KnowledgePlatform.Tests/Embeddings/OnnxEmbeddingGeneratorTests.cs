using System.Numerics.Tensors;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Embeddings;
using Microsoft.Extensions.AI;
using Xunit;

namespace KnowledgePlatform.Tests.Embeddings;

/// <summary>Both runtimes of the same model, loaded once.</summary>
public sealed class BothRuntimesFixture : IDisposable
{
    public static readonly EmbeddingModelCard Card = new("snowflake-arctic-embed-xs", 384, 512, "");

    // Small batches so that one call exercises several runs of different lengths.
    public OnnxEmbeddingGenerator Direct { get; } = new(Card, threads: 1, new OnnxBatching(MaxTexts: 2, MaxTokens: 1024, MaxPadding: 1));

    public ArcticXsEmbeddingGenerator Package { get; } = new(Card, threads: 1);

    public void Dispose()
    {
        Direct.Dispose();
        Package.Dispose();
    }
}

public sealed class OnnxEmbeddingGeneratorTests(BothRuntimesFixture models) : IClassFixture<BothRuntimesFixture>
{
    private static readonly string[] Texts =
    [
        "What is the maximum daily dose of paracetamol for adults?",
        string.Join(' ', Enumerable.Repeat("Warfarin is an anticoagulant that makes your blood take longer to clot.", 60)), // over 512 tokens: cut
        "Drug Dosing › Adults\n| drug | adult dose |\n| --- | --- |\n| Paracetamol | 500 mg to 1 g every 4 to 6 hours |",
        "Grüße aus Köln – 10 € · “quoted” naïve café",
        "E07",
        "Heart failure › Titration\nDouble every 2 weeks. Stop an ACE inhibitor at least 36 hours before the first dose.",
    ];

    [Fact]
    public async Task Vectors_match_the_package_encoder_in_the_order_given()
    {
        var direct = await models.Direct.GenerateAsync(Texts, cancellationToken: TestContext.Current.CancellationToken);
        var package = new List<Embedding<float>>();
        foreach (var text in Texts) package.AddRange(await models.Package.GenerateAsync([text], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(Texts.Length, direct.Count);
        for (var i = 0; i < Texts.Length; i++)
        {
            var a = direct[i].Vector.Span;
            var b = package[i].Vector.Span;
            Assert.Equal(384, a.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(a), 1e-4f);
            Assert.True(TensorPrimitives.CosineSimilarity(a, b) > 0.9999f, $"text {i}: cosine {TensorPrimitives.CosineSimilarity(a, b)}");
        }
        // Different texts really are different vectors: the comparison above cannot pass by accident.
        Assert.True(TensorPrimitives.CosineSimilarity(direct[0].Vector.Span, direct[4].Vector.Span) < 0.95f);
    }

    [Fact]
    public async Task Background_calls_give_the_same_vectors_as_foreground_calls()
    {
        var ct = TestContext.Current.CancellationToken;
        var foreground = await models.Direct.GenerateAsync(Texts, cancellationToken: ct);
        var background = await models.Direct.GenerateAsync(Texts, EmbeddingPriority.Background(), ct);
        for (var i = 0; i < Texts.Length; i++)
            Assert.True(TensorPrimitives.CosineSimilarity(foreground[i].Vector.Span, background[i].Vector.Span) > 0.9999f, $"text {i}");
    }

    [Fact]
    public async Task A_line_break_separates_words_like_a_space()
    {
        const string Broken = "Target INR ranges\nYour clinic will tell you your own target.";
        const string Spaced = "Target INR ranges Your clinic will tell you your own target.";

        var vectors = await models.Direct.GenerateAsync([Broken, Spaced], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(models.Direct.CountTokens(Spaced), models.Direct.CountTokens(Broken));
        Assert.Equal(new ArcticTokenCounter().CountTokens(Spaced), models.Direct.CountTokens(Broken));
        Assert.True(TensorPrimitives.CosineSimilarity(vectors[0].Vector.Span, vectors[1].Vector.Span) > 0.9999f);
    }

    [Fact]
    public async Task No_texts_give_no_vectors()
    {
        var vectors = await models.Direct.GenerateAsync([], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(vectors);
    }

    [Fact]
    public void A_configured_dimension_the_model_does_not_have_is_refused_with_the_right_value()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OnnxEmbeddingGenerator(BothRuntimesFixture.Card with { Dimension = 768 }, threads: 1));

        Assert.Contains("Set Embedding:Dimension to 384", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 10, 10, 10, 10 }, 3, 1000, 3)]   // text limit
    [InlineData(new[] { 20, 20, 21, 21 }, 32, 60, 2)]    // 3 × 21 padded tokens would exceed 60
    [InlineData(new[] { 700, 800 }, 32, 512, 1)]         // one long text always runs
    [InlineData(new[] { 100, 105, 108, 160 }, 32, 8192, 3)] // 4 × 160 would be over 10% padding
    [InlineData(new[] { 5 }, 32, 8192, 1)]
    public void A_run_takes_sorted_texts_while_texts_tokens_and_padding_fit(int[] lengths, int maxTexts, int maxTokens, int expected)
    {
        var batching = new OnnxBatching(maxTexts, maxTokens);

        var taken = batching.Take(Enumerable.Range(0, lengths.Length).ToArray(), i => lengths[i]);

        Assert.Equal(expected, taken);
    }
}
