using System.Diagnostics;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Telemetry;
using KnowledgePlatform.Core.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Rag.Retrieval;

/// <summary>
/// Hybrid retrieval: the follow-up rewritten into a standalone query (when a chat model is configured),
/// dense and BM25 candidates fused, optionally reranked, cut at the relevance floor, and each hit given
/// its neighbouring chunks or section as context when the knowledge base asks for it.
/// </summary>
public sealed class Retriever(
    IChunkIndex index,
    EmbeddingModelRegistry models,
    IOptions<RetrievalOptions> options,
    HttpReranker reranker,
    QueryRewriter rewriter,
    ILogger<Retriever> logger)
{
    /// <summary>Section expansion looks this many chunks either side of a hit for the rest of its section.</summary>
    internal const int SectionWindow = 8;

    public async Task<RetrievalResult> SearchAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        using var activity = PlatformTelemetry.Source.StartActivity("retrieve");
        var o = options.Value;
        var settings = o.Resolve(request.Settings);
        var filter = request.Filter;
        var query = await rewriter.RewriteAsync(request.Query, request.History, cancellationToken);
        var clock = Stopwatch.StartNew();
        ReadOnlyMemory<float> queryVector = default;
        if (request.Mode != RetrievalMode.Keyword)
        {
            var model = models.Get(request.EmbeddingModel);
            queryVector = await model.Generator.GenerateVectorAsync(model.Card.QueryPrefix + query,
                request.Background ? EmbeddingPriority.Background() : null, cancellationToken);
        }
        var embeddingTime = request.Mode == RetrievalMode.Keyword ? TimeSpan.Zero : clock.Elapsed;

        clock.Restart();
        var denseTask = request.Mode == RetrievalMode.Keyword
            ? Task.FromResult<IReadOnlyList<ChunkHit>>([])
            : index.SearchDenseAsync(filter, queryVector, o.Candidates, cancellationToken);
        var keywordTask = request.Mode == RetrievalMode.Dense
            ? Task.FromResult<IReadOnlyList<ChunkHit>>([])
            : index.SearchKeywordAsync(filter, query, o.Candidates, cancellationToken);
        var (dense, keyword) = (await denseTask, await keywordTask);
        var fused = OneVersionPerDocument(request.Mode == RetrievalMode.Hybrid ? RankFusion.Fuse(dense, keyword, settings) : RankFusion.Single(dense, keyword));
        if (request.Mode == RetrievalMode.Hybrid) fused = await WithDenseScoresAsync(fused, filter, queryVector, cancellationToken);
        var searchTime = clock.Elapsed;

        PlatformTelemetry.RetrievalDuration.Record(embeddingTime.TotalSeconds, new KeyValuePair<string, object?>("phase", "embed"));
        PlatformTelemetry.RetrievalDuration.Record(searchTime.TotalSeconds, new KeyValuePair<string, object?>("phase", "search"));
        clock.Restart();
        if (request.Mode == RetrievalMode.Hybrid && request.Rerank && reranker.Enabled)
            fused = await RerankAsync(query, fused, cancellationToken);
        var rerankTime = clock.Elapsed;

        var (kept, rejected) = request.ApplyFloor
            ? ApplyFloor(fused, query, o.MinSimilarity, o.MinKeywordCoverage)
            : (fused.ToList(), []);
        var hits = await ExpandAsync(kept.Take(request.Top ?? o.Top).ToList(), filter, settings.Neighbours!.Value, cancellationToken);
        return new RetrievalResult(hits, rejected, embeddingTime, searchTime) { Query = query, RerankTime = rerankTime, Candidates = fused };
    }

    /// <summary>The best candidates, this many, all carry their dense similarity.</summary>
    internal const int DenseScoredCandidates = 20;

    /// <summary>
    /// Gives the best candidates that only BM25 returned their dense similarity from the index (decision 172), so that
    /// the floor does not keep such a chunk on its words alone, the answerer weighs its passages by meaning like the
    /// others', and the search API shows it. The order and the ranks stay the fused ones; the evidence gate still counts
    /// such a candidate 0 (<see cref="Evidence.EvidenceFeatures"/>).
    /// </summary>
    private async Task<IReadOnlyList<RetrievedChunk>> WithDenseScoresAsync(
        IReadOnlyList<RetrievedChunk> fused, ChunkFilter filter, ReadOnlyMemory<float> queryVector, CancellationToken cancellationToken)
    {
        var missing = fused.Take(DenseScoredCandidates).Where(r => r.DenseScore is null).Select(r => r.Chunk.ChunkId).ToList();
        if (missing.Count == 0) return fused;
        var scores = await index.DenseSimilaritiesAsync(filter, queryVector, missing, cancellationToken);
        return [.. fused.Select(r => r.DenseScore is null && scores.TryGetValue(r.Chunk.ChunkId, out var score) ? r with { DenseScore = score } : r)];
    }

    /// <summary>
    /// The two signals are separate queries: one may run just before a document's new version is swapped
    /// in and the other just after. Only the newest version seen of each document is kept, so a result
    /// never mixes two versions of one document (and still has the document when either signal found it).
    /// </summary>
    internal static IReadOnlyList<RetrievedChunk> OneVersionPerDocument(IReadOnlyList<RetrievedChunk> fused)
    {
        var newest = new Dictionary<string, int>();
        foreach (var r in fused)
            newest[r.Chunk.DocumentId] = Math.Max(newest.GetValueOrDefault(r.Chunk.DocumentId), r.Chunk.DocumentVersion);
        return fused.Count == 0 || fused.All(r => newest[r.Chunk.DocumentId] == r.Chunk.DocumentVersion)
            ? fused
            : fused.Where(r => newest[r.Chunk.DocumentId] == r.Chunk.DocumentVersion).ToList();
    }

    /// <summary>
    /// The best fused candidates in the reranker's order (its score kept on each), the rest after them in
    /// fused order. A reranker that fails leaves the fused order: a slow or absent reranker must not stop answers.
    /// </summary>
    private async Task<IReadOnlyList<RetrievedChunk>> RerankAsync(string query, IReadOnlyList<RetrievedChunk> fused, CancellationToken cancellationToken)
    {
        var head = fused.Take(reranker.Candidates).ToList();
        try
        {
            var scores = await reranker.ScoreAsync(query, head.Select(c => c.Chunk.SearchableText).ToList(), cancellationToken);
            var reranked = head.Select((c, i) => c with { RerankScore = scores[i] })
                .OrderByDescending(c => c.RerankScore).ThenBy(c => head.IndexOf(c));
            return [.. reranked, .. fused.Skip(head.Count)];
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException
                                   && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "The reranker failed; using the fused order");
            return fused;
        }
    }

    /// <summary>Gives each hit its adjacent chunks, or the rest of its section (same headings, within <see cref="SectionWindow"/> chunks), as context.</summary>
    private async Task<IReadOnlyList<RetrievedChunk>> ExpandAsync(List<RetrievedChunk> hits, ChunkFilter filter, NeighbourExpansion mode, CancellationToken cancellationToken)
    {
        if (mode == NeighbourExpansion.None) return hits;
        var expanded = new List<RetrievedChunk>(hits.Count);
        foreach (var hit in hits)
        {
            var ordinal = hit.Chunk.Ordinal;
            var window = mode == NeighbourExpansion.Adjacent ? 1 : SectionWindow;
            var around = await index.GetDocumentChunksAsync(filter, hit.Chunk.DocumentId, ordinal - window, ordinal + window, cancellationToken);
            expanded.Add(hit with { Context = mode == NeighbourExpansion.Adjacent ? around.Where(c => c.Ordinal != ordinal).ToList() : Section(around, hit.Chunk) });
        }
        return expanded;
    }

    /// <summary>The unbroken run of chunks around the hit that sit under the same headings, without the hit itself.</summary>
    internal static List<ChunkPayload> Section(IReadOnlyList<ChunkPayload> around, ChunkPayload hit)
    {
        var byOrdinal = around.Where(c => c.HeadingPath == hit.HeadingPath).ToDictionary(c => c.Ordinal);
        var first = hit.Ordinal;
        while (byOrdinal.ContainsKey(first - 1)) first--;
        var last = hit.Ordinal;
        while (byOrdinal.ContainsKey(last + 1)) last++;
        return Enumerable.Range(first, last - first + 1).Where(o => o != hit.Ordinal).Select(o => byOrdinal[o]).ToList();
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
