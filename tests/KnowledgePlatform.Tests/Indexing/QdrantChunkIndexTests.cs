using Grpc.Core;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing.Qdrant;
using KnowledgePlatform.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>
/// The adapter's calls as they go over the wire, without a server: the Qdrant client runs on a gRPC
/// call invoker that records each request and answers like Qdrant would.
/// </summary>
public sealed class QdrantChunkIndexTests
{
    private static readonly EmbeddingModelCard Model = new("test-model", 4, 512, "");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly RecordingInvoker _qdrant = new();
    private readonly InMemoryLiveGenerations _generations = new();

    private readonly FastForwardClock _clock = new();

    private QdrantChunkIndex Index(QdrantOptions? options = null)
    {
        options ??= new QdrantOptions();
        var client = new QdrantClient(new QdrantGrpcClient(_qdrant));
        return new QdrantChunkIndex(client, new QdrantSchema(Model, options), options, _generations, NullLogger<QdrantChunkIndex>.Instance, _clock);
    }

    private static IndexedChunk Chunk(DocumentRef doc, int ordinal) =>
        new(new ChunkPayload($"{doc.DocumentId}-{ordinal}", doc.TenantId, doc.KnowledgeBaseId, doc.DocumentId, "Title", "f.md", ordinal, $"text {ordinal}", "", null, null, ChunkKind.Text),
            new float[] { ordinal, 1, 0, 0 });

    [Fact]
    public async Task The_first_call_creates_the_collection_and_its_payload_indexes_once()
    {
        using var index = Index();

        await index.CountAsync(new ChunkFilter("acme", ["kb"]), _ct);
        await index.CountAsync(new ChunkFilter("acme", ["kb"]), _ct);

        Assert.Equal(["CollectionExists", "Create", .. Enumerable.Repeat("CreateFieldIndex", QdrantSchema.PayloadIndexes().Count), "Count", "Count"], _qdrant.Methods);
        var create = _qdrant.Requests<CreateCollection>().Single();
        Assert.Equal(Modifier.Idf, create.SparseVectorsConfig.Map[QdrantSchema.SparseVector].Modifier);
        var tenantIndex = _qdrant.Requests<CreateFieldIndexCollection>().Single(r => r.FieldName == QdrantSchema.Fields.Tenant);
        Assert.True(tenantIndex.FieldIndexParams.KeywordIndexParams.IsTenant);
        Assert.Equal(FieldType.Keyword, tenantIndex.FieldType);
    }

    [Fact]
    public async Task An_existing_collection_is_not_created_again()
    {
        _qdrant.CollectionExists = true;
        using var index = Index();

        await index.CountAsync(new ChunkFilter("acme", ["kb"]), _ct);

        Assert.DoesNotContain("Create", _qdrant.Methods);
        Assert.Equal(QdrantSchema.PayloadIndexes().Count, _qdrant.Requests<CreateFieldIndexCollection>().Count());
    }

    [Fact]
    public async Task Replacing_a_document_writes_a_hidden_generation_publishes_it_then_deletes_the_other_generations()
    {
        _qdrant.CollectionExists = true;
        using var index = Index(new QdrantOptions { UpsertBatchSize = 2 });
        var doc = new DocumentRef("acme", "kb", "doc");
        var steps = new List<string>();
        _generations.Changed = _ => steps.Add(string.Join("+", _qdrant.Methods.Where(m => m is "Upsert" or "Delete").Distinct()));

        await index.ReplaceDocumentAsync(doc, Enumerable.Range(0, 5).Select(i => Chunk(doc, i)).ToList(), _ct);

        // Begun before any write, published after every upsert, ended after the delete.
        Assert.Equal(["", "Upsert", "Upsert+Delete"], steps);
        var upserts = _qdrant.Requests<UpsertPoints>().ToList();
        Assert.Equal([2, 2, 1], upserts.Select(u => u.Points.Count));
        Assert.All(upserts, u => Assert.True(u.Wait));
        var generation = upserts[0].Points[0].Payload[QdrantSchema.Fields.Generation].StringValue;
        Assert.All(upserts.SelectMany(u => u.Points), p => Assert.Equal(generation, p.Payload[QdrantSchema.Fields.Generation].StringValue));
        var delete = _qdrant.Requests<DeletePoints>().Single();
        Assert.Equal(["acme", "kb", "doc"], delete.Points.Filter.Must.Select(c => c.Field.Match.Keyword));
        Assert.Equal((QdrantSchema.Fields.Generation, generation), (delete.Points.Filter.MustNot.Single().Field.Key, delete.Points.Filter.MustNot.Single().Field.Match.Keyword));
        Assert.Empty((await _generations.ReadAsync(["kb"], _ct)).Transitions);
    }

    [Fact]
    public async Task A_search_that_a_publish_overtook_is_made_again_with_the_new_state()
    {
        _qdrant.CollectionExists = true;
        using var index = Index();
        var doc = new DocumentRef("acme", "kb", "doc");
        await _generations.BeginAsync(doc, "g-new", _ct);
        // While the first query runs, the new generation is published.
        _qdrant.OnQuery = () => _generations.PublishAsync(doc, "g-new", _ct).GetAwaiter().GetResult();

        await index.SearchDenseAsync(new ChunkFilter("acme", ["kb"]), new float[4], 5, _ct);

        var queries = _qdrant.Requests<QueryPoints>().ToList();
        Assert.Equal(2, queries.Count);
        var hidden = queries[0].Filter.MustNot.Single().Filter;
        Assert.Equal(("doc", "g-new"), (hidden.Must[0].Field.Match.Keyword, hidden.Must[1].Field.Match.Keywords.Strings.Single()));
        var live = queries[1].Filter.MustNot.Single().Filter;
        Assert.Equal(("doc", "g-new"), (live.Must.Single().Field.Match.Keyword, live.MustNot.Single().Field.Match.Keyword));
    }

    [Fact]
    public async Task A_keyword_search_sends_the_sparse_query_in_the_tenant_filter_and_maps_the_hits()
    {
        _qdrant.CollectionExists = true;
        using var index = Index();
        var doc = new DocumentRef("acme", "kb", "doc");
        var point = new QdrantSchema(Model, new QdrantOptions()).ToPoint(Chunk(doc, 3), "g1");
        _qdrant.QueryResult = [new ScoredPoint { Id = point.Id, Score = 2.5f, Payload = { point.Payload } }];

        var hits = await index.SearchKeywordAsync(new ChunkFilter("acme", ["kb"]), "text warranty", 5, _ct);

        var query = _qdrant.Requests<QueryPoints>().Single();
        Assert.Equal((QdrantSchema.SparseVector, 5ul, "acme"), (query.Using, query.Limit, query.Filter.Must[0].Field.Match.Keyword));
        Assert.Equal(2, query.Query.Nearest.Sparse.Indices.Count);
        Assert.True(query.WithPayload.Enable);
        var hit = Assert.Single(hits);
        Assert.Equal(Chunk(doc, 3).Payload, hit.Chunk);
        Assert.Equal(2.5, hit.Score, 4);
    }

    [Fact]
    public async Task A_query_for_no_knowledge_base_sends_nothing()
    {
        using var index = Index();

        Assert.Empty(await index.SearchDenseAsync(new ChunkFilter("acme", []), new float[4], 5, _ct));
        Assert.Empty(_qdrant.Methods);
    }

    [Fact]
    public async Task An_unreachable_qdrant_is_retried_with_jittered_backoff_then_reported_as_index_unavailable()
    {
        _qdrant.Failure = new RpcException(new Status(StatusCode.Unavailable, "connection refused"));
        using var index = Index(new QdrantOptions { Attempts = 4 });

        var error = await Assert.ThrowsAsync<IndexUnavailableException>(() => index.CountAsync(new ChunkFilter("acme", ["kb"]), _ct));

        Assert.Equal(4, _qdrant.Methods.Count);
        Assert.Equal("The vector index (Qdrant) is unavailable (Unavailable), so the platform could not create the collection. Try again shortly.", error.Message);
        Assert.IsType<RpcException>(error.InnerException);
        // A wait between tries, about 200 ms, 400 ms, 800 ms but off that exact schedule (jitter).
        Assert.Equal(3, _clock.Waits.Count);
        Assert.All(_clock.Waits, wait => Assert.InRange(wait, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(10)));
        Assert.NotEqual([200, 400, 800], _clock.Waits.Select(w => w.TotalMilliseconds));
    }

    [Fact]
    public async Task One_attempt_means_an_unreachable_qdrant_is_reported_at_once()
    {
        _qdrant.Failure = new RpcException(new Status(StatusCode.DeadlineExceeded, "slow"));
        using var index = Index(new QdrantOptions { Attempts = 1 });

        await Assert.ThrowsAsync<IndexUnavailableException>(() => index.CountAsync(new ChunkFilter("acme", ["kb"]), _ct));

        Assert.Single(_qdrant.Methods);
        Assert.Empty(_clock.Waits);
    }

    [Fact]
    public async Task A_request_qdrant_rejects_is_not_mistaken_for_an_outage()
    {
        _qdrant.Failure = new RpcException(new Status(StatusCode.InvalidArgument, "wrong vector size"));
        using var index = Index();

        await Assert.ThrowsAsync<RpcException>(() => index.CountAsync(new ChunkFilter("acme", ["kb"]), _ct));
        Assert.Single(_qdrant.Methods);
        Assert.Empty(_clock.Waits);
    }

    /// <summary>Records unary calls and answers them like an empty, healthy Qdrant.</summary>
    private sealed class RecordingInvoker : CallInvoker
    {
        private readonly List<(string Method, object Request)> _calls = [];

        public bool CollectionExists { get; set; }

        public List<ScoredPoint> QueryResult { get; set; } = [];

        public RpcException? Failure { get; set; }

        /// <summary>Runs while a query is answered: what happens elsewhere during a search.</summary>
        public Action? OnQuery { get; set; }

        public List<string> Methods => _calls.Select(c => c.Method).ToList();

        public IEnumerable<T> Requests<T>() => _calls.Select(c => c.Request).OfType<T>();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            _calls.Add((method.Name, request));
            if (request is QueryPoints && OnQuery is { } during)
            {
                OnQuery = null;
                during();
            }
            var response = Failure is { } failure ? Task.FromException<TResponse>(failure) : Task.FromResult((TResponse)Answer(request));
            return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        private object Answer(object request) => request switch
        {
            CollectionExistsRequest => new CollectionExistsResponse { Result = new global::Qdrant.Client.Grpc.CollectionExists { Exists = CollectionExists } },
            CreateCollection => new CollectionOperationResponse { Result = true },
            CreateFieldIndexCollection or UpsertPoints or DeletePoints => new PointsOperationResponse { Result = new UpdateResult { Status = UpdateStatus.Completed } },
            CountPoints => new CountResponse { Result = new CountResult { Count = 0 } },
            QueryPoints => new QueryResponse { Result = { QueryResult } },
            _ => throw new NotSupportedException($"No canned answer for {request.GetType().Name}"),
        };

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();
    }
}
