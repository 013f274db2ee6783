using Bunit;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Portal.Components;
using Xunit;

namespace KnowledgePlatform.Portal.Tests;

public sealed class ScoreTableTests : BunitContext
{
    private static SearchHitDto Hit(string id, double fused, double? dense, int? denseRank, double? bm25, int? bm25Rank) =>
        new(id, "doc-" + id, "Title " + id, id + ".md", "§1", null, "Heading", "text of " + id, fused, dense, denseRank, bm25, bm25Rank);

    [Fact]
    public void Fused_dense_and_bm25_scores_are_shown_side_by_side_in_rank_order()
    {
        var cut = Render<ScoreTable>(p => p.Add(x => x.Hits, [Hit("c1", 0.91234, 0.8, 1, 7.25, 2), Hit("c2", 0.5, null, null, 9.5, 1)]));

        var rows = cut.FindAll("[data-testid=hit]");
        Assert.Equal(["c1", "c2"], rows.Select(r => r.GetAttribute("data-chunk")).ToArray());
        Assert.Equal("0.912", rows[0].QuerySelector("[data-testid=fused]")!.TextContent);
        Assert.Equal("0.800 (#1)", rows[0].QuerySelector("[data-testid=dense]")!.TextContent);
        Assert.Equal("7.250 (#2)", rows[0].QuerySelector("[data-testid=bm25]")!.TextContent);
    }

    [Fact]
    public void A_chunk_missing_from_one_signal_shows_a_dash_there()
    {
        var cut = Render<ScoreTable>(p => p.Add(x => x.Hits, [Hit("c2", 0.5, null, null, 9.5, 1)]));
        Assert.Equal("–", cut.Find("[data-testid=dense]").TextContent);
        Assert.Equal("9.500 (#1)", cut.Find("[data-testid=bm25]").TextContent);
    }

    [Fact]
    public void A_chunk_only_bm25_found_shows_its_dense_similarity_without_a_rank_and_the_caption_says_so()
    {
        var cut = Render<ScoreTable>(p => p.Add(x => x.Hits, [Hit("c2", 0.5, 0.516, null, 8.18, 1)]));

        Assert.Equal("0.516", cut.Find("[data-testid=dense]").TextContent);
        Assert.Contains("A dense score without a rank is the similarity of a chunk only BM25 found", cut.Find("caption").TextContent);
    }

    [Fact]
    public void Each_hit_links_to_its_chunk_in_the_chunk_browser()
    {
        var cut = Render<ScoreTable>(p => p.Add(x => x.Hits, [Hit("c1", 0.9, 0.8, 1, 7.2, 1)]));
        Assert.Equal("/portal/documents/doc-c1/source?chunk=c1", cut.Find("[data-testid=hit] a").GetAttribute("href"));
    }

    [Fact]
    public void No_hits_tells_the_curator_what_to_try()
    {
        var cut = Render<ScoreTable>(p => p.Add(x => x.Hits, []));
        Assert.Contains("Nothing matched", cut.Markup);
        Assert.Empty(cut.FindAll("table"));
    }
}
