using KnowledgePlatform.Bench.Evaluation;
using Xunit;

namespace KnowledgePlatform.Tests.Evaluation;

/// <summary>
/// The harness's arithmetic on a hand-made fixture (Fixture/: five documents, three queries, graded
/// judgements with a header line and a grade-0 row), against values worked out by hand below.
/// </summary>
public sealed class RankingMetricsTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Evaluation", "Fixture");

    [Fact]
    public async Task The_fixture_loads_with_only_judged_queries_and_only_positive_grades()
    {
        var dataset = await BeirDataset.LoadAsync(Fixture, TestContext.Current.CancellationToken);

        Assert.Equal(["d1", "d2", "d3", "d4", "d5"], dataset.Corpus.Select(d => d.Id));
        Assert.Equal("", dataset.Corpus[4].Title);
        Assert.Equal(["q1", "q2"], dataset.Queries.Select(q => q.Id)); // q3 has no judgement
        Assert.Equal(new Dictionary<string, int> { ["d1"] = 2, ["d3"] = 1 }, dataset.Qrels["q1"]);
        Assert.Equal(new Dictionary<string, int> { ["d4"] = 1 }, dataset.Qrels["q2"]); // the grade-0 row is not relevant
    }

    [Fact]
    public async Task Graded_ndcg_recall_and_reciprocal_rank_match_the_hand_computed_values()
    {
        var qrels = (await BeirDataset.LoadAsync(Fixture, TestContext.Current.CancellationToken)).Qrels;

        // q1 ranked d2, d1, d3, d4, d5: the grade-2 document second, the grade-1 document third.
        // DCG@10  = 0/log2(2) + 2/log2(3) + 1/log2(4) = 1.261860 + 0.5      = 1.761860
        // IDCG@10 = 2/log2(2) + 1/log2(3)             = 2 + 0.630930         = 2.630930
        // nDCG@10 = 1.761860 / 2.630930 = 0.669672; both relevant in the top 10: recall 1; first relevant at 2: RR 0.5.
        var q1 = RankingMetrics.Score(["d2", "d1", "d3", "d4", "d5"], qrels["q1"]);
        Assert.Equal(0.669672, q1.Ndcg10, 6);
        Assert.Equal(1.0, q1.Recall10);
        Assert.Equal(1.0, q1.Recall100);
        Assert.Equal(0.5, q1.Mrr10);

        // q2's only relevant document comes 11th: nothing in the top 10 (nDCG, recall@10, RR all 0), found within 100.
        string[] q2Ranking = ["d1", "d2", "d3", "d5", "x1", "x2", "x3", "x4", "x5", "x6", "d4"];
        var q2 = RankingMetrics.Score(q2Ranking, qrels["q2"]);
        Assert.Equal(new QueryMetrics(0, 0, 1, 0), q2);

        // q1 with only the grade-1 document at rank 1: DCG = 1, nDCG = 1 / 2.630930 = 0.380094, recall 1/2.
        var partial = RankingMetrics.Score(["d3"], qrels["q1"]);
        Assert.Equal(0.380094, partial.Ndcg10, 6);
        Assert.Equal(0.5, partial.Recall10);
        Assert.Equal(1.0, partial.Mrr10);
    }

    [Fact]
    public void A_document_takes_the_rank_of_its_best_chunk()
    {
        Assert.Equal(["d2", "d1", "d3"], RankingMetrics.MaxPool(["d2", "d1", "d2", "d3", "d1"], 100));
        Assert.Equal(["d2", "d1"], RankingMetrics.MaxPool(["d2", "d1", "d2", "d3"], 2));
    }

    [Fact]
    public void Percentiles_interpolate_between_closest_ranks()
    {
        double[] ms = [4, 1, 3, 2];

        Assert.Equal(2.5, RankingMetrics.Percentile(ms, 50), 10);   // halfway between 2 and 3
        Assert.Equal(3.85, RankingMetrics.Percentile(ms, 95), 10);  // position 0.95 × 3 = 2.85: 3 + 0.85 × (4 − 3)
        Assert.Equal(4, RankingMetrics.Percentile(ms, 100), 10);
    }
}
