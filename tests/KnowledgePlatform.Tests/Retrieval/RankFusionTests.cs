using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Rag.Retrieval;
using Xunit;

namespace KnowledgePlatform.Tests.Retrieval;

public sealed class RankFusionTests
{
    private static ChunkHit Hit(string id, double score) =>
        new(new ChunkPayload(id, "t", "kb", "doc", "Title", "file.md", 0, "text " + id, "", null, null, ChunkKind.Text), score);

    [Fact]
    public void Fused_score_is_the_weighted_sum_of_reciprocal_ranks()
    {
        var dense = new[] { Hit("a", 0.9), Hit("b", 0.8) };
        var keyword = new[] { Hit("b", 12), Hit("c", 7) };

        var fused = RankFusion.Fuse(dense, keyword, k: 60, denseWeight: 1.0, keywordWeight: 2.0);

        var b = fused.Single(r => r.Chunk.ChunkId == "b");
        Assert.Equal(1.0 / 62 + 2.0 / 61, b.Score, 12);
        Assert.Equal((0.8, 2, 12.0, 1), (b.DenseScore!.Value, b.DenseRank!.Value, b.KeywordScore!.Value, b.KeywordRank!.Value));
        Assert.Equal(["b", "c", "a"], fused.Select(r => r.Chunk.ChunkId));
    }

    [Fact]
    public void A_chunk_found_by_both_signals_beats_one_found_by_a_single_signal_at_the_same_rank()
    {
        var fused = RankFusion.Fuse([Hit("x", 0.5), Hit("both", 0.4)], [Hit("y", 3), Hit("both", 2)], 60, 1, 1);

        Assert.Equal("both", fused[0].Chunk.ChunkId);
    }

    [Fact]
    public void Keyword_only_results_carry_no_dense_score()
    {
        var fused = RankFusion.Fuse([], [Hit("k", 5)], 60, 1, 1);

        var only = Assert.Single(fused);
        Assert.Null(only.DenseScore);
        Assert.Equal(1, only.KeywordRank);
    }

    private static ChunkHit Hit(string id, double score, string text) =>
        new(new ChunkPayload(id, "t", "kb", "doc", "Title", "file.md", 0, text, "", null, null, ChunkKind.Text), score);

    [Fact]
    public void The_relevance_floor_keeps_similar_chunks_and_keyword_hits_that_hold_the_query_words()
    {
        var fused = RankFusion.Fuse(
            [Hit("similar", 0.7, "paraphrase of the question"), Hit("weak", 0.3, "unrelated text")],
            [Hit("code", 9, "Error E07 means the wheel is stuck."), Hit("stopwords", 8, "what does it mean for the")],
            60, 1, 1);

        var (kept, rejected) = Retriever.ApplyFloor(fused, "What does error E07 mean?", minSimilarity: 0.6, minKeywordCoverage: 0.6);

        Assert.Equal(["code", "similar"], kept.Select(r => r.Chunk.ChunkId).Order());
        Assert.Equal(["stopwords", "weak"], rejected.Select(r => r.Chunk.ChunkId).Order());
    }

    [Fact]
    public void Nothing_passes_the_floor_for_an_unrelated_question()
    {
        var fused = RankFusion.Fuse([Hit("a", 0.45, "Warfarin needs INR checks.")], [Hit("b", 3, "The capital letters of the leaflet.")], 60, 1, 1);

        var (kept, _) = Retriever.ApplyFloor(fused, "What is the capital of France?", 0.6, 0.6);

        Assert.Empty(kept);
    }
}
