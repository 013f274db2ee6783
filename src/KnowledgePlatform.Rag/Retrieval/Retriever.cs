using System.Diagnostics;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>Which signals a search uses: both fused (the default), or one alone (evaluation, diagnostics).</summary>
public enum RetrievalMode
{
    Hybrid,
    Dense,
    Keyword,
}

/// <summary>A search inside one tenant. The tenant comes from the caller's credential, never from the request body.</summary>
public sealed record RetrievalRequest(string TenantId, IReadOnlyList<string> KnowledgeBaseIds, string Query)
{
    public int? Top { get; init; }
    public RetrievalMode Mode { get; init; } = RetrievalMode.Hybrid;

    /// <summary>The knowledge base's settings; null fields (or null) take the configured defaults.</summary>
    public RetrievalSettings? Settings { get; init; }

    /// <summary>Optional narrowing: documents, tags, effective dates (tenant and knowledge bases come from above).</summary>
    public IReadOnlyList<string>? DocumentIds { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public DateOnly? EffectiveFrom { get; init; }
    public DateOnly? EffectiveTo { get; init; }

    /// <summary>False returns the ranking without the relevance floor (evaluation measures ranking, not the cut).</summary>
    public bool ApplyFloor { get; init; } = true;

    public ChunkFilter Filter => new(TenantId, KnowledgeBaseIds)
    {
        DocumentIds = DocumentIds,
        Tags = Tags,
        EffectiveFrom = EffectiveFrom,
        EffectiveTo = EffectiveTo,
    };
}

/// <param name="Hits">Fused results above the relevance floor, best first.</param>
/// <param name="Rejected">Candidates that ranked but fell below the floor (for the playground).</param>
public sealed record RetrievalResult(IReadOnlyList<RetrievedChunk> Hits, IReadOnlyList<RetrievedChunk> Rejected, TimeSpan EmbeddingTime, TimeSpan SearchTime);

/// <summary>Hybrid retrieval: dense and BM25 candidates, fused, cut at the relevance floor.</summary>
public sealed class Retriever(
    IChunkIndex index,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    EmbeddingModelCard model,
    IOptions<RetrievalOptions> options)
{
    public async Task<RetrievalResult> SearchAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var settings = o.Resolve(request.Settings);
        var filter = request.Filter;
        var clock = Stopwatch.StartNew();
        ReadOnlyMemory<float> queryVector = default;
        if (request.Mode != RetrievalMode.Keyword)
            queryVector = await embedder.GenerateVectorAsync(model.QueryPrefix + request.Query, cancellationToken: cancellationToken);
        var embeddingTime = clock.Elapsed;

        clock.Restart();
        var denseTask = request.Mode == RetrievalMode.Keyword
            ? Task.FromResult<IReadOnlyList<ChunkHit>>([])
            : index.SearchDenseAsync(filter, queryVector, o.Candidates, cancellationToken);
        var keywordTask = request.Mode == RetrievalMode.Dense
            ? Task.FromResult<IReadOnlyList<ChunkHit>>([])
            : index.SearchKeywordAsync(filter, request.Query, o.Candidates, cancellationToken);
        var (dense, keyword) = (await denseTask, await keywordTask);
        var fused = request.Mode == RetrievalMode.Hybrid ? RankFusion.Fuse(dense, keyword, settings) : RankFusion.Single(dense, keyword);
        var searchTime = clock.Elapsed;

        var (kept, rejected) = request.ApplyFloor
            ? ApplyFloor(fused, request.Query, o.MinSimilarity, o.MinKeywordCoverage)
            : (fused.ToList(), []);
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
