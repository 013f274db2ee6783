using Grpc.Core;
using KnowledgePlatform.Core.Ports;
using Microsoft.Extensions.Logging;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>
/// The chunk index on Qdrant (gRPC): one collection per embedding model and dimension with a named
/// dense vector and a BM25 sparse vector, tenant isolation by an indexed tenant payload key on every
/// request (and optionally custom shard keys). Requests are built by <see cref="QdrantSchema"/>. An
/// unreachable Qdrant is retried briefly, then reported as <see cref="IndexUnavailableException"/>.
/// </summary>
public sealed class QdrantChunkIndex(QdrantClient client, QdrantSchema schema, QdrantOptions options, ILogger<QdrantChunkIndex> logger) : IChunkIndex, IDisposable
{
    private readonly SemaphoreSlim _initLock = new(1, 1);
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
                foreach (var (field, parameters) in QdrantSchema.PayloadIndexes())
                    await client.CreatePayloadIndexAsync(schema.Collection, field, PayloadSchemaType.Keyword, parameters, cancellationToken: ct);
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

    public Task ReplaceDocumentAsync(DocumentRef document, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken)
    {
        foreach (var chunk in chunks)
        {
            if (chunk.Payload.TenantId != document.TenantId || chunk.Payload.KnowledgeBaseId != document.KnowledgeBaseId || chunk.Payload.DocumentId != document.DocumentId)
                throw new ArgumentException($"Chunk {chunk.Payload.ChunkId} does not belong to {document}.", nameof(chunks));
        }
        var points = chunks.Select(schema.ToPoint).ToList();
        var shard = schema.ShardKeyFor(document.TenantId);
        // Upsert first, then remove what the new version no longer has: the document is never half gone.
        return CallAsync("index the document", async ct =>
        {
            foreach (var batch in points.Chunk(options.UpsertBatchSize))
                await client.UpsertAsync(schema.Collection, batch, wait: true, shardKeySelector: shard, cancellationToken: ct);
            await client.DeleteAsync(schema.Collection, QdrantSchema.StaleChunksFilter(document, points.Select(p => Guid.Parse(p.Id.Uuid))),
                wait: true, shardKeySelector: shard, cancellationToken: ct);
            return true;
        }, cancellationToken);
    }

    public Task DeleteDocumentAsync(DocumentRef document, CancellationToken cancellationToken) =>
        CallAsync("delete the document's chunks", ct => client.DeleteAsync(schema.Collection, QdrantSchema.DocumentFilter(document),
            wait: true, shardKeySelector: schema.ShardKeyFor(document.TenantId), cancellationToken: ct), cancellationToken);

    public Task DeleteKnowledgeBaseAsync(string tenantId, string knowledgeBaseId, CancellationToken cancellationToken) =>
        CallAsync("delete the knowledge base's chunks", ct => client.DeleteAsync(schema.Collection, QdrantSchema.KnowledgeBaseFilter(tenantId, knowledgeBaseId),
            wait: true, shardKeySelector: schema.ShardKeyFor(tenantId), cancellationToken: ct), cancellationToken);

    public Task<IReadOnlyList<ChunkHit>> SearchDenseAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, int top, CancellationToken cancellationToken) =>
        filter.Scopes.Count == 0 ? Task.FromResult<IReadOnlyList<ChunkHit>>([]) : QueryAsync(schema.DenseQuery(filter, vector, top), cancellationToken);

    public Task<IReadOnlyList<ChunkHit>> SearchKeywordAsync(ChunkFilter filter, string query, int top, CancellationToken cancellationToken) =>
        filter.Scopes.Count == 0 || schema.KeywordQuery(filter, query, top) is not { } request
            ? Task.FromResult<IReadOnlyList<ChunkHit>>([])
            : QueryAsync(request, cancellationToken);

    /// <summary>Dense and BM25 fused by Qdrant (RRF) in one request; Score is the fused score.</summary>
    public Task<IReadOnlyList<ChunkHit>> SearchHybridAsync(ChunkFilter filter, ReadOnlyMemory<float> vector, string query, int top, int candidates, int rrfK, CancellationToken cancellationToken) =>
        filter.Scopes.Count == 0 ? Task.FromResult<IReadOnlyList<ChunkHit>>([]) : QueryAsync(schema.HybridQuery(filter, vector, query, top, candidates, rrfK), cancellationToken);

    public async Task<long> CountAsync(ChunkFilter filter, CancellationToken cancellationToken) =>
        filter.Scopes.Count == 0 ? 0 : (long)await CallAsync("count chunks", ct => client.CountAsync(schema.Collection, QdrantSchema.ToFilter(filter),
            exact: true, shardKeySelector: schema.ShardKeyFor(filter.Scopes.Select(s => s.TenantId).Append(filter.TenantId)), cancellationToken: ct), cancellationToken);

    private Task<IReadOnlyList<ChunkHit>> QueryAsync(QueryPoints q, CancellationToken cancellationToken) =>
        CallAsync("search", async ct =>
        {
            var points = await client.QueryAsync(q.CollectionName, q.Query, q.Prefetch, q.HasUsing ? q.Using : null, q.Filter,
                limit: q.Limit, payloadSelector: q.WithPayload, shardKeySelector: q.ShardKeySelector, cancellationToken: ct);
            return (IReadOnlyList<ChunkHit>)points.Select(p => new ChunkHit(QdrantSchema.FromPayload(p.Payload), p.Score)).ToList();
        }, cancellationToken);

    /// <summary>
    /// Runs a call, first making sure the collection exists; retries while Qdrant is unreachable, then
    /// throws <see cref="IndexUnavailableException"/> with a reason a person can act on.
    /// </summary>
    private async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool initialize = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (initialize) await InitializeAsync(cancellationToken);
                return await call(cancellationToken);
            }
            catch (RpcException ex) when (IsUnavailable(ex.StatusCode))
            {
                if (attempt >= options.Attempts)
                {
                    logger.LogError("Qdrant at {Url} unreachable trying to {What} after {Attempts} attempt(s): {Status} {Detail}", options.Url, what, attempt, ex.StatusCode, ex.Status.Detail);
                    throw new IndexUnavailableException($"The vector index (Qdrant) is unavailable ({ex.StatusCode}), so the platform could not {what}. Try again shortly.", ex);
                }
                logger.LogWarning("Qdrant unreachable ({Status}) trying to {What}; attempt {Attempt} of {Attempts}", ex.StatusCode, what, attempt, options.Attempts);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1)), cancellationToken);
            }
        }
    }

    internal static bool IsUnavailable(StatusCode status) =>
        status is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted;

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

    public void Dispose() => _initLock.Dispose();
}
