using System.Diagnostics;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Telemetry;
using KnowledgePlatform.Core.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>A search inside one tenant. The tenant comes from the caller's credential, never from the request body.</summary>
public sealed record RetrievalRequest(string TenantId, IReadOnlyList<string> KnowledgeBaseIds, string Query)
{
    public int? Top { get; init; }
}

/// <param name="Hits">Fused results above the relevance floor, best first.</param>
/// <param name="Rejected">Candidates that ranked but fell below the floor (for the playground).</param>
public sealed record RetrievalResult(IReadOnlyList<RetrievedChunk> Hits, IReadOnlyList<RetrievedChunk> Rejected, TimeSpan EmbeddingTime, TimeSpan SearchTime);

/// <summary>Hybrid retrieval: dense and BM25 candidates, fused by weighted RRF, cut at the relevance floor.</summary>
public sealed class Retriever(
    IChunkIndex index,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    EmbeddingModelCard model,
    IOptions<RetrievalOptions> options)
{
    public async Task<RetrievalResult> SearchAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        using var activity = PlatformTelemetry.Source.StartActivity("retrieve");
        var o = options.Value;
        var filter = new ChunkFilter(request.TenantId, request.KnowledgeBaseIds);
        var clock = Stopwatch.StartNew();
        var queryVector = await embedder.GenerateVectorAsync(model.QueryPrefix + request.Query, cancellationToken: cancellationToken);
        var embeddingTime = clock.Elapsed;

        clock.Restart();
        var denseTask = index.SearchDenseAsync(filter, queryVector, o.Candidates, cancellationToken);
        var keywordTask = index.SearchKeywordAsync(filter, request.Query, o.Candidates, cancellationToken);
        var (dense, keyword) = (await denseTask, await keywordTask);
        var fused = RankFusion.Fuse(dense, keyword, o.RrfK, o.DenseWeight, o.KeywordWeight);
        var searchTime = clock.Elapsed;

        PlatformTelemetry.RetrievalDuration.Record(embeddingTime.TotalSeconds, new KeyValuePair<string, object?>("phase", "embed"));
        PlatformTelemetry.RetrievalDuration.Record(searchTime.TotalSeconds, new KeyValuePair<string, object?>("phase", "search"));
        var (kept, rejected) = ApplyFloor(fused, request.Query, o.MinSimilarity, o.MinKeywordCoverage);
        return new RetrievalResult(kept.Take(request.Top ?? o.Top).ToList(), rejected, embeddingTime, searchTime);
    }

    /// <summary>
    /// A candidate is evidence when its dense similarity reaches the floor, or when BM25 ranked it among
    /// its best three and it holds most of the query's content words. Everything else is noise that an
    /// answer must not cite.
    /// </summary>
    internal static (List<RetrievedChunk> Kept, List<RetrievedChunk> Rejected) ApplyFloor(
        IReadOnlyList<RetrievedChunk> fused, string query, double minSimilarity, double minKeywordCoverage)
    {
        var queryTerms = Terms.Of(query).ToHashSet();
        var kept = new List<RetrievedChunk>();
        var rejected = new List<RetrievedChunk>();
        foreach (var r in fused)
        {
            var ok = r.DenseScore >= minSimilarity
                || (r.KeywordRank <= 3 && Terms.Coverage(queryTerms, $"{r.Chunk.DocumentTitle} {r.Chunk.HeadingPath} {r.Chunk.Text}") >= minKeywordCoverage);
            (ok ? kept : rejected).Add(r);
        }
        return (kept, rejected);
    }
}
