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

public sealed class ConvexFusionTests
{
    private static ChunkHit Hit(string id, double score) =>
        new(new ChunkPayload(id, "t", "kb", "doc", "Title", "file.md", 0, id, "", null, null, ChunkKind.Text), score);

    [Fact]
    public void Each_signal_is_min_max_normalised_over_its_list_and_combined_with_the_dense_weight()
    {
        // Dense 0.9 → 1, 0.7 → 0 (the last of a list shorter than the anchor rank); BM25 12 → 1, 6 → 0.
        var dense = new[] { Hit("a", 0.9), Hit("b", 0.8), Hit("c", 0.7) };
        var keyword = new[] { Hit("c", 12), Hit("d", 9), Hit("b", 6) };

        var fused = RankFusion.Convex(dense, keyword, denseWeight: 0.75);

        var scores = fused.ToDictionary(r => r.Chunk.ChunkId, r => r.Score);
        Assert.Equal(0.75 * 1.0, scores["a"], 12);
        Assert.Equal(0.75 * 0.5 + 0.25 * 0.0, scores["b"], 12);
        Assert.Equal(0.75 * 0.0 + 0.25 * 1.0, scores["c"], 12);
        Assert.Equal(0.25 * 0.5, scores["d"], 12);
        Assert.Equal(["a", "b", "c", "d"], fused.Select(r => r.Chunk.ChunkId));
    }

    [Fact]
    public void Scores_below_the_anchor_rank_count_as_nothing_so_fetching_more_candidates_changes_no_top_score()
    {
        var dense = Enumerable.Range(0, 30).Select(i => Hit($"d{i}", 1.0 - i * 0.01)).ToList();

        var shallow = RankFusion.Convex(dense.Take(RankFusion.NormalisationRank).ToList(), [], 1.0);
        var deep = RankFusion.Convex(dense, [], 1.0);

        Assert.Equal(shallow.Select(r => r.Score), deep.Take(RankFusion.NormalisationRank).Select(r => r.Score));
        Assert.All(deep.Skip(RankFusion.NormalisationRank), r => Assert.Equal(0, r.Score));
    }

    [Fact]
    public void Settings_choose_the_fusion()
    {
        var dense = new[] { Hit("a", 0.9), Hit("b", 0.5) };
        var keyword = new[] { Hit("b", 10), Hit("a", 1) };

        var rrf = RankFusion.Fuse(dense, keyword, new RetrievalSettings { Fusion = FusionMethod.Rrf, RrfK = 60, DenseWeight = 1, KeywordWeight = 1 });
        var convex = RankFusion.Fuse(dense, keyword, new RetrievalSettings { Fusion = FusionMethod.Convex, DenseWeight = 0.2 });

        Assert.Equal(1.0 / 61 + 1.0 / 62, rrf[0].Score, 12);
        Assert.Equal("b", convex[0].Chunk.ChunkId);
    }

    [Fact]
    public void A_result_never_mixes_two_versions_of_one_document()
    {
        ChunkHit Versioned(string id, string doc, int version) =>
            new(new ChunkPayload(id, "t", "kb", doc, "Title", "f.md", 0, "text", "", null, null, ChunkKind.Text) { DocumentVersion = version }, 0.8);

        var fused = RankFusion.Fuse([Versioned("d-v1-0", "d", 1), Versioned("e-v1-0", "e", 1)], [Versioned("d-v2-0", "d", 2)], 60, 1, 1);

        var kept = Retriever.OneVersionPerDocument(fused);

        Assert.Equal(["d-v2-0", "e-v1-0"], kept.Select(r => r.Chunk.ChunkId).Order());
    }
}
