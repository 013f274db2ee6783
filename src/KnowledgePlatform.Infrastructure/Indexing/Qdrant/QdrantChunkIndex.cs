using System.Collections.Concurrent;
using Grpc.Core;
using KnowledgePlatform.Core.Ports;
using Microsoft.Extensions.Logging;
using Polly;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>
/// The chunk index on Qdrant (gRPC): one collection per embedding model and dimension with a named
/// dense vector and a BM25 sparse vector, tenant isolation by an indexed tenant payload key on every
/// request (and optionally custom shard keys). Requests are built by <see cref="QdrantSchema"/>. An
/// unreachable Qdrant is retried briefly, then reported as <see cref="IndexUnavailableException"/>.
/// A replace is atomic for searches (decision 0094): the new points are written under a new generation, hidden until
/// <see cref="ILiveGenerations"/> publishes it, and every search resolves which generation of each document in
/// transition it may see, checking afterwards that nothing was published while it ran.
/// </summary>
public sealed class QdrantChunkIndex(
    QdrantClient client, QdrantSchema schema, QdrantOptions options, ILiveGenerations generations, ILogger<QdrantChunkIndex> logger, TimeProvider? clock = null)
    : IChunkIndex, IDisposable
{
    /// <summary>Searches that saw a publish happen while they ran are made again, at most this often.</summary>
    private const int ConsistentAttempts = 4;

    private readonly ResiliencePipeline _outageRetry = QdrantOutageRetry.Create(options, logger, clock ?? TimeProvider.System);
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _replacing = new();
    private volatile bool _initialized;

    public string Collection => schema.Collection;

    /// <summary>Creates the collection, its payload indexes and shard keys when missing. Idempotent.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized) return;
        await _initLock.WaitAsync(cancellationToken);
        try
        {
            if (_initialized) return;
            await CallAsync("create the collection", async ct =>
            {
                if (!await client.CollectionExistsAsync(schema.Collection, ct))
                {
                    logger.LogInformation("Creating Qdrant collection {Collection} ({Dimension} dimensions)", schema.Collection, schema.Dimension);
                    await IgnoreAlreadyExists(() => client.CreateCollectionAsync(schema.CreateCollection(), ct));
                }
                foreach (var (field, type, parameters) in QdrantSchema.PayloadIndexes())
                    await client.CreatePayloadIndexAsync(schema.Collection, field, type, parameters, cancellationToken: ct);
                foreach (var key in schema.ShardKeys())
                    await IgnoreAlreadyExists(() => client.CreateShardKeyAsync(schema.Collection, new CreateShardKey { ShardKey = key }, cancellationToken: ct));
                return true;
            }, cancellationToken, initialize: false);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>At start-up: initialize if Qdrant is there, otherwise log why and try again on first use.</summary>
    public async Task TryInitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InitializeAsync(cancellationToken);
        }
        catch (IndexUnavailableException ex)
        {
            logger.LogWarning("{Reason} Searches answer 503 and ingestion waits until it is reachable.", ex.Message);
        }
    }

    /// <summary>
    /// Writes the chunks as a new generation of the document's points, hidden; publishes it (searches switch from the old
    /// points to the new ones at that instant); then deletes the other generations. Replaces of one document wait for
    /// each other: in this process with a lock, across processes with the transition's lease.
    /// </summary>
    public async Task ReplaceDocumentAsync(DocumentRef document, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken)
    {
        foreach (var chunk in chunks)
        {
            if (chunk.Payload.TenantId != document.TenantId || chunk.Payload.KnowledgeBaseId != document.KnowledgeBaseId || chunk.Payload.DocumentId != document.DocumentId)
                throw new ArgumentException($"Chunk {chunk.Payload.ChunkId} does not belong to {document}.", nameof(chunks));
        }
        var generation = Guid.CreateVersion7().ToString("N");
        var points = chunks.Select(c => schema.ToPoint(c, generation)).ToList();
        var shard = schema.ShardKeyFor(document.TenantId);
        var gate = _replacing.GetOrAdd(document.DocumentId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await generations.BeginAsync(document, generation, cancellationToken);
            try
            {
                await CallAsync("index the document", async ct =>
                {
                    foreach (var batch in points.Chunk(options.UpsertBatchSize))
                        await client.UpsertAsync(schema.Collection, batch, wait: true, shardKeySelector: shard, cancellationToken: ct);
                    return true;
                }, cancellationToken);
                await generations.PublishAsync(document, generation, cancellationToken);
            }
            catch
            {
                await generations.ReleaseAsync(document, CancellationToken.None);
                throw;
            }
            await RemoveOtherGenerationsAsync(document, generation, shard, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// After the publish the old points are invisible already; deleting them and ending the transition only tidies up. If
    /// Qdrant fails now, the replace has still succeeded: the transition stays published and the next replace of the
    /// document (or `kp doctor --repair`) removes them.
    /// </summary>
    private async Task RemoveOtherGenerationsAsync(DocumentRef document, string generation, ShardKeySelector? shard, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("delete the document's earlier points", ct => client.DeleteAsync(schema.Collection, QdrantSchema.OtherGenerationsFilter(document, generation),
                wait: true, shardKeySelector: shard, cancellationToken: ct), cancellationToken);
            await generations.EndAsync(document, cancellationToken);
        }
        catch (IndexUnavailableException ex)
        {
            logger.LogWarning("Document {Document} is replaced, but its earlier points stay (hidden) until the next replace: {Reason}", document.DocumentId, ex.Message);
        }
    }

    public async Task DeleteDocumentAsync(DocumentRef document, CancellationToken cancellationToken)
    {
        await CallAsync("delete the document's chunks", ct => client.DeleteAsync(schema.Collection, QdrantSchema.DocumentFilter(document),
            wait: true, shardKeySelector: schema.ShardKeyFor(document.TenantId), cancellationToken: ct), cancellationToken);
        await generations.ForgetAsync(document.TenantId, document.KnowledgeBaseId, document.DocumentId, cancellationToken);
    }

    public async Task DeleteKnowledgeBaseAsync(string tenantId, string knowledgeBaseId, CancellationToken cancellationToken)
    {
        await CallAsync("delete the knowledge base's chunks", ct => client.DeleteAsync(schema.Collection, QdrantSchema.KnowledgeBaseFilter(tenantId, knowledgeBaseId),
            wait: true, shardKeySelector: schema.ShardKeyFor(tenantId), cancellationToken: ct), cancellationToken);
        await generations.ForgetAsync(tenantId, knowledgeBaseId, null, cancellationToken);
    }

    public Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, int top, CancellationToken cancellationToken) =>
        filter.Scopes.Count == 0 ? Task.FromResult<IReadOnlyList<ChunkHit>>([]) : QueryAsync(filter, () => schema.DenseQuery(filter, vector, top), cancellationToken);

    public async Task<IReadOnlyDictionary<string, double>> DenseSimilaritiesAsync(
        ChunkFilter filter, ReadOnlyMemory<float> vector, IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken) =>
        filter.Scopes.Count == 0 || chunkIds.Count == 0 ? new Dictionary<string, double>()
            : (await QueryAsync(filter, () => schema.DenseSimilaritiesQuery(filter, vector, chunkIds), cancellationToken))
                .GroupBy(h => h.Chunk.ChunkId).ToDictionary(g => g.Key, g => g.Max(h => h.Score));

    public Task<IReadOnlyList<ChunkHit>> SearchKeywordAsync(ChunkFilter filter, string query, int top, CancellationToken cancellationToken) =>
        filter.Scopes.Count == 0 || schema.KeywordQuery(filter, query, top) is not { } request
            ? Task.FromResult<IReadOnlyList<ChunkHit>>([])
            : QueryAsync(filter, request.Clone, cancellationToken);

    /// <summary>Dense and BM25 fused by Qdrant (RRF) in one request; Score is the fused score.</summary>
    public Task<IReadOnlyList<ChunkHit>> SearchHybridAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, string query, int top, int candidates, int rrfK, CancellationToken cancellationToken) =>
        filter.Scopes.Count == 0 ? Task.FromResult<IReadOnlyList<ChunkHit>>([])
            : QueryAsync(filter, () => schema.HybridQuery(filter, vector, query, top, candidates, rrfK), cancellationToken);

    public async Task<long> CountAsync(ChunkFilter filter, CancellationToken cancellationToken) =>
        filter.Scopes.Count == 0 ? 0 : await ConsistentAsync(filter, transitions =>
        {
            var qdrantFilter = QdrantSchema.ToFilter(filter);
            LiveGenerationFilter.Apply(qdrantFilter, transitions);
            return CallAsync("count chunks", async ct => (long)await client.CountAsync(schema.Collection, qdrantFilter,
                exact: true, shardKeySelector: schema.ShardKeyFor(filter.Scopes.Select(s => s.TenantId).Append(filter.TenantId)), cancellationToken: ct), cancellationToken);
        }, cancellationToken);

    private Task<IReadOnlyList<ChunkHit>> QueryAsync(ChunkFilter filter, Func<QueryPoints> build, CancellationToken cancellationToken) =>
        ConsistentAsync(filter, transitions =>
        {
            var q = LiveGenerationFilter.Apply(build(), transitions);
            return CallAsync("search", async ct =>
            {
                var points = await client.QueryAsync(q.CollectionName, q.Query, q.Prefetch, q.HasUsing ? q.Using : null, q.Filter,
                    limit: q.Limit, payloadSelector: q.WithPayload, shardKeySelector: q.ShardKeySelector, cancellationToken: ct);
                return (IReadOnlyList<ChunkHit>)points.Select(p => new ChunkHit(QdrantSchema.FromPayload(p.Payload), p.Score)).ToList();
            }, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Runs a read with the transitions of its knowledge bases hidden as they stand, and again when one was published,
    /// begun or ended while it ran (the epochs moved): a result is the index at one instant, old or new, never both.
    /// </summary>
    private async Task<T> ConsistentAsync<T>(ChunkFilter filter, Func<IReadOnlyList<IndexTransition>, Task<T>> read, CancellationToken cancellationToken)
    {
        var knowledgeBases = filter.Scopes.Select(s => s.KnowledgeBaseId).Distinct().ToList();
        for (var attempt = 1; ; attempt++)
        {
            var view = await generations.ReadAsync(knowledgeBases, cancellationToken);
            var result = await read(view.Transitions);
            if (view.SameEpochs(await generations.EpochsAsync(knowledgeBases, cancellationToken)) || attempt == ConsistentAttempts) return result;
        }
    }

    /// <summary>
    /// Runs a call, first making sure the collection exists; retries while Qdrant is unreachable (<see cref="QdrantOutageRetry"/>),
    /// then throws <see cref="IndexUnavailableException"/> with a reason a person can act on.
    /// </summary>
    private async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool initialize = true)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(QdrantOutageRetry.What, what);
        try
        {
            return await _outageRetry.ExecuteAsync(async ctx =>
            {
                if (initialize) await InitializeAsync(ctx.CancellationToken);
                return await call(ctx.CancellationToken);
            }, context);
        }
        catch (RpcException ex) when (QdrantOutageRetry.IsUnavailable(ex.StatusCode))
        {
            logger.LogError("Qdrant at {Url} unreachable trying to {What} after {Attempts} attempt(s): {Status} {Detail}", options.Url, what, options.Attempts, ex.StatusCode, ex.Status.Detail);
            throw new IndexUnavailableException($"The vector index (Qdrant) is unavailable ({ex.StatusCode}), so the platform could not {what}. Try again shortly.", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static async Task IgnoreAlreadyExists(Func<Task> create)
    {
        try
        {
            await create();
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists || ex.Status.Detail.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // Another replica created it first.
        }
    }

    public void Dispose()
    {
        _initLock.Dispose();
        foreach (var gate in _replacing.Values) gate.Dispose();
    }
}
