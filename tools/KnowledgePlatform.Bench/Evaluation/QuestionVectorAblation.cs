using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Rag.Retrieval;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// What matching a question against FAQ entries' own questions would add (point 2 of decision 0120): each document whose
/// title is a question gets a second vector for that question, and a query's dense list takes, per document, the better
/// of its chunk similarity and its question similarity. Scored as dense alone and fused at the self-calibrated weight,
/// from the dense and BM25 lists the runs already hold, so the rows differ from those runs only by the question vectors.
/// </summary>
internal static class QuestionVectorAblation
{
    public static async Task<IReadOnlyList<MethodRun>> RunAsync(EvaluationRun run, BeirDataset dataset, MethodRun dense, MethodRun bm25, double denseWeight, CancellationToken ct)
    {
        var questions = run.Chunks.Where(c => c.Ordinal == 0 && c.DocumentTitle.TrimEnd().EndsWith('?')).ToList();
        if (questions.Count == 0) return [];
        var questionVectors = await run.EmbedAsync(questions.Select(c => c.DocumentTitle).ToList(), ct);
        var queryVectors = await run.EmbedAsync(dense.Queries.Select(q => run.Model.QueryPrefix + q.Query.Text).ToList(), ct);
        var keyword = bm25.Queries.ToDictionary(q => q.Query.Id, q => q.Chunks.Select(c => new ChunkHit(c.Chunk, c.Score)).ToList());

        var denseRuns = new List<QueryRun>();
        var fusedRuns = new List<QueryRun>();
        for (var i = 0; i < dense.Queries.Count; i++)
        {
            var query = dense.Queries[i];
            var byQuestion = questions.Select((c, j) => new ChunkHit(c, System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(queryVectors[i], questionVectors[j])));
            var merged = query.Chunks.Select(c => new ChunkHit(c.Chunk, c.Score)).Concat(byQuestion)
                .GroupBy(h => h.Chunk.ChunkId).Select(g => g.MaxBy(h => h.Score)!)
                .OrderByDescending(h => h.Score).Take(query.Chunks.Count).ToList();
            denseRuns.Add(EvaluationRun.Score(query.Query, RankFusion.Single(merged, []), dataset, 0, 0));
            fusedRuns.Add(EvaluationRun.Score(query.Query, RankFusion.Convex(merged, keyword.GetValueOrDefault(query.Query.Id) ?? [], denseWeight), dataset, 0, 0));
        }
        return [new MethodRun("dense + question vectors", denseRuns), new MethodRun("hybrid (self-calibrated) + question vectors", fusedRuns)];
    }
}
