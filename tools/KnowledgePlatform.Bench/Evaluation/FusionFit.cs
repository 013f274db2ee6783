using System.Globalization;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// Fits a knowledge base's fusion weight on its own judged questions: a grid over the dense weight
/// (and k for RRF), scored by mean nDCG@10. Because a weight chosen on the same questions it is scored
/// on flatters itself, the figure to trust is the 2-fold cross-validated one: the weight is chosen on
/// half the questions and scored on the other half, and the other way round.
/// </summary>
internal sealed record FusionFit(RetrievalSettings Fitted, double InSampleNdcg10, QueryMetrics CrossValidated, IReadOnlyList<RetrievalSettings> FoldChoices)
{
    public static FusionFit Run(BeirDataset dataset, MethodRun dense, MethodRun bm25, RetrievalSettings current)
    {
        var grid = Grid(current);
        var keyword = bm25.Queries.ToDictionary(q => q.Query.Id);
        var queries = dense.Queries.Where(q => keyword.ContainsKey(q.Query.Id)).ToList();
        // scores[g][i]: query i fused with grid point g.
        var scores = grid.Select(g => queries.Select(q => Fuse(dataset, q, keyword[q.Query.Id], g)).ToArray()).ToArray();

        int Best(Func<int, bool> inFold) => Enumerable.Range(0, grid.Count)
            .MaxBy(g => Enumerable.Range(0, queries.Count).Where(inFold).Average(i => scores[g][i].Ndcg10));

        var cv = new QueryMetrics[queries.Count];
        var choices = new List<RetrievalSettings>();
        for (var fold = 0; fold < 2; fold++)
        {
            var chosen = Best(i => i % 2 != fold);
            choices.Add(grid[chosen]);
            for (var i = fold; i < queries.Count; i += 2) cv[i] = scores[chosen][i];
        }
        var best = Best(_ => true);
        return new FusionFit(grid[best], scores[best].Average(m => m.Ndcg10), new QueryMetrics(
            cv.Average(m => m.Ndcg10), cv.Average(m => m.Recall10), cv.Average(m => m.Recall100), cv.Average(m => m.Mrr10)), choices);
    }

    private static QueryMetrics Fuse(BeirDataset dataset, QueryRun dense, QueryRun keyword, RetrievalSettings settings)
    {
        var fused = RankFusion.Fuse(Hits(dense), Hits(keyword), settings);
        return EvaluationRun.Score(dense.Query, fused, dataset, 0, 0).Metrics;
    }

    private static List<ChunkHit> Hits(QueryRun run) => run.Chunks.Select(c => new ChunkHit(c.Chunk, c.Score)).ToList();

    private static List<RetrievalSettings> Grid(RetrievalSettings current)
    {
        var weights = Enumerable.Range(0, 21).Select(i => i / 20.0);
        return current.Fusion == FusionMethod.Convex
            ? weights.Select(w => current with { DenseWeight = w }).ToList()
            : [.. from k in new[] { 10, 30, 60, 100 } from w in weights.Skip(1) select current with { RrfK = k, DenseWeight = w * 2, KeywordWeight = 1.0 }];
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{EvalCommand.Describe(Fitted)} (nDCG@10 {InSampleNdcg10:0.000} on the questions it was fitted on; folds chose {string.Join(" and ", FoldChoices.Select(EvalCommand.Describe))})");

    public object ToJson() => new
    {
        fitted = Fitted,
        inSampleNdcg10 = InSampleNdcg10,
        crossValidated = CrossValidated,
        foldChoices = FoldChoices,
    };
}
