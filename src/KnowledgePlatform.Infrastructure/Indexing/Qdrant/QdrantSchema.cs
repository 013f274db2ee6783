// Over 300 lines: every translation between the index port and Qdrant's requests in one place, so the server-free tests cover all of it.
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.Collections;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using Qdrant.Client.Grpc;
using static Qdrant.Client.Grpc.Conditions;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>
/// Every translation between the platform's index port and Qdrant's requests, free of I/O so that it
/// is unit-tested without a server: collection layout, point ids, payloads, filters, sparse vectors,
/// shard keys and queries. <see cref="QdrantChunkIndex"/> only sends what this builds.
/// </summary>
public sealed class QdrantSchema
{
    public const string DenseVector = "dense";
    public const string SparseVector = "bm25";
    public const string SharedShardKey = "shared";

    /// <summary>Payload keys. Tenant, knowledge base and document are indexed keyword fields; the tenant key is the tenant index.</summary>
    public static class Fields
    {
        public const string Tenant = "tenant_id";
        public const string KnowledgeBase = "kb_id";
        public const string Document = "document_id";
        public const string ChunkId = "chunk_id";
        public const string Title = "title";
        public const string FileName = "file_name";
        public const string Ordinal = "ordinal";
        public const string Text = "text";
        public const string Heading = "heading";
        public const string Page = "page";
        public const string Line = "line";
        public const string Kind = "kind";
        /// <summary>The document's access groups (keyword array; absent or empty: ungrouped, decision 0040).</summary>
        public const string Groups = "groups";
        /// <summary>The replace that wrote the point (decision 0094); points of earlier releases have none.</summary>
        public const string Generation = "generation";
        /// <summary>The document version the chunk was cut from.</summary>
        public const string Version = "version";
        /// <summary>The document's tags (keyword array; absent: untagged).</summary>
        public const string Tags = "tags";
        /// <summary>The document's effective date as its day number (<see cref="DateOnly.DayNumber"/>; absent: undated).</summary>
        public const string EffectiveDay = "effective_day";
    }

    private static readonly Guid PointNamespace = new("6f1c1b0e-3a52-4c55-9d55-6b7c2f4e8a10");

    private readonly HashSet<string> _dedicatedTenants;
    private readonly QdrantOptions _options;

    public QdrantSchema(EmbeddingModelCard model, QdrantOptions options)
    {
        _options = options;
        Dimension = model.Dimension;
        Collection = CollectionName(options.CollectionPrefix, model.Name, model.Dimension);
        _dedicatedTenants = options.DedicatedTenants.ToHashSet(StringComparer.Ordinal);
    }

    public string Collection { get; }

    public int Dimension { get; }

    public bool CustomSharding => _dedicatedTenants.Count > 0;

    /// <summary>One collection per embedding model and dimension: vectors of different models never mix.</summary>
    public static string CollectionName(string prefix, string model, int dimension)
    {
        var name = string.Concat($"{prefix}_{model}_{dimension}".ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        return name.Length <= 200 ? name : name[..200];
    }

    /// <summary>
    /// A name-based UUID of the chunk id (RFC 9562 version 8: SHA-256 of a fixed namespace and the id):
    /// the same chunk always lands on the same point, so upserts are idempotent.
    /// </summary>
    public static Guid PointId(string chunkId)
    {
        var bytes = SHA256.HashData([.. PointNamespace.ToByteArray(bigEndian: true), .. Encoding.UTF8.GetBytes(chunkId)]);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes.AsSpan(0, 16), bigEndian: true);
    }

    public CreateCollection CreateCollection()
    {
        var request = new CreateCollection
        {
            CollectionName = Collection,
            VectorsConfig = new VectorsConfig
            {
                ParamsMap = new VectorParamsMap { Map = { [DenseVector] = new VectorParams { Size = (ulong)Dimension, Distance = Distance.Cosine } } },
            },
            SparseVectorsConfig = new SparseVectorConfig { Map = { [SparseVector] = new SparseVectorParams { Modifier = Modifier.Idf } } },
            // Multitenancy: no global HNSW graph, one graph per tenant (payload_m) since every query filters by tenant.
            HnswConfig = new HnswConfigDiff { M = 0, PayloadM = 16 },
            ShardNumber = (uint)_options.ShardNumber,
            ReplicationFactor = (uint)_options.ReplicationFactor,
        };
        if (CustomSharding) request.ShardingMethod = ShardingMethod.Custom;
        return request;
    }

    /// <summary>
    /// The payload indexes created at start-up: the tenant key marked is_tenant, the other keys a filter names as keywords,
    /// the effective day as an integer (ranges).
    /// </summary>
    public static IReadOnlyList<(string Field, PayloadSchemaType Type, PayloadIndexParams Params)> PayloadIndexes() =>
    [
        Keyword(Fields.Tenant, new KeywordIndexParams { IsTenant = true }),
        Keyword(Fields.KnowledgeBase),
        Keyword(Fields.Document),
        Keyword(Fields.Groups),
        Keyword(Fields.Generation),
        // Chunks scored by id (DenseSimilaritiesQuery): indexed, the condition picks the few points instead of being checked on every one.
        Keyword(Fields.ChunkId),
        Keyword(Fields.Tags),
        (Fields.EffectiveDay, PayloadSchemaType.Integer, new PayloadIndexParams { IntegerIndexParams = new IntegerIndexParams { Lookup = false, Range = true } }),
    ];

    private static (string, PayloadSchemaType, PayloadIndexParams) Keyword(string field, KeywordIndexParams? parameters = null) =>
        (field, PayloadSchemaType.Keyword, new PayloadIndexParams { KeywordIndexParams = parameters ?? new KeywordIndexParams() });

    /// <summary>Shard keys to create: the shared one and one per dedicated tenant (only with custom sharding).</summary>
    public IReadOnlyList<string> ShardKeys() => CustomSharding ? [SharedShardKey, .. _dedicatedTenants.Order(StringComparer.Ordinal)] : [];

    /// <summary>Where a tenant's points live: its own shard key, the shared one, or null without custom sharding.</summary>
    public ShardKeySelector? ShardKeyFor(string tenantId) => ShardKeyFor([tenantId]);

    /// <summary>Where the points of these tenants live (a query over shared knowledge bases reads the owner's shard too).</summary>
    public ShardKeySelector? ShardKeyFor(IEnumerable<string> tenantIds)
    {
        if (!CustomSharding) return null;
        var selector = new ShardKeySelector();
        foreach (var key in tenantIds.Select(t => _dedicatedTenants.Contains(t) ? t : SharedShardKey).Distinct().Order(StringComparer.Ordinal))
            selector.ShardKeys.Add(key);
        return selector;
    }

    /// <summary>
    /// The point of a chunk written by the replace <paramref name="generation"/>: its id is derived from both, so a new
    /// replace never overwrites a point searches may still be reading (decision 0094).
    /// </summary>
    public PointStruct ToPoint(IndexedChunk chunk, string generation)
    {
        var p = chunk.Payload;
        if (chunk.Vector.Length != Dimension)
            throw new ArgumentException($"Chunk {p.ChunkId} has {chunk.Vector.Length} dimensions; the collection {Collection} has {Dimension}.", nameof(chunk));
        var sparse = Bm25SparseVector.Document(p.SearchableText, _options.Bm25AverageLength);
        var point = new PointStruct
        {
            Id = PointId($"{p.ChunkId}@{generation}"),
            Vectors = new Dictionary<string, Vector>
            {
                [DenseVector] = chunk.Vector.ToArray(),
                [SparseVector] = (sparse.Values, sparse.Indices),
            },
            Payload =
            {
                [Fields.Tenant] = p.TenantId,
                [Fields.KnowledgeBase] = p.KnowledgeBaseId,
                [Fields.Document] = p.DocumentId,
                [Fields.ChunkId] = p.ChunkId,
                [Fields.Title] = p.DocumentTitle,
                [Fields.FileName] = p.FileName,
                [Fields.Ordinal] = p.Ordinal,
                [Fields.Text] = p.Text,
                [Fields.Heading] = p.HeadingPath,
                [Fields.Kind] = p.Kind.ToString(),
                [Fields.Generation] = generation,
                [Fields.Version] = p.DocumentVersion,
            },
        };
        if (p.Groups.Count > 0) point.Payload[Fields.Groups] = p.Groups.ToArray();
        if (p.Tags.Count > 0) point.Payload[Fields.Tags] = p.Tags.ToArray();
        if (p.EffectiveDate is { } date) point.Payload[Fields.EffectiveDay] = date.DayNumber;
        if (p.Page is { } page) point.Payload[Fields.Page] = page;
        if (p.Line is { } line) point.Payload[Fields.Line] = line;
        return point;
    }

    public static ChunkPayload FromPayload(MapField<string, Value> payload)
    {
        string S(string key) => payload.TryGetValue(key, out var v) ? v.StringValue : "";
        int? I(string key) => payload.TryGetValue(key, out var v) && v.KindCase == Value.KindOneofCase.IntegerValue ? (int)v.IntegerValue : null;
        // Absent: the empty list a payload starts with, so a chunk read back equals the one written.
        IReadOnlyList<string> L(string key) => payload.TryGetValue(key, out var v) && v.KindCase == Value.KindOneofCase.ListValue
            ? v.ListValue.Values.Select(x => x.StringValue).ToList()
            : Array.Empty<string>();
        return new ChunkPayload(
            S(Fields.ChunkId), S(Fields.Tenant), S(Fields.KnowledgeBase), S(Fields.Document), S(Fields.Title), S(Fields.FileName),
            I(Fields.Ordinal) ?? 0, S(Fields.Text), S(Fields.Heading), I(Fields.Page), I(Fields.Line),
            Enum.TryParse<ChunkKind>(S(Fields.Kind), out var kind) ? kind : ChunkKind.Text)
        {
            DocumentVersion = I(Fields.Version) ?? 1,
            Groups = L(Fields.Groups),
            Tags = L(Fields.Tags),
            EffectiveDate = I(Fields.EffectiveDay) is { } day ? DateOnly.FromDayNumber(day) : null,
        };
    }

    /// <summary>
    /// What a query may see, as Qdrant conditions that must all hold. The tenant clause is always
    /// there: one tenant and its knowledge bases, or, with knowledge bases shared with the tenant, a
    /// "should" of (tenant, knowledge bases) pairs. Access groups add one clause per tenant: on the caller's own, the
    /// chunk is ungrouped or carries one of the caller's groups; on a shared one, it is ungrouped (decision 0040).
    /// Each optional field adds one clause.
    /// </summary>
    public static Filter ToFilter(ChunkFilter filter)
    {
        var byTenant = filter.Scopes.GroupBy(s => s.TenantId).ToList();
        var result = new Filter();
        if (byTenant.Count == 0)
        {
            // Nothing in scope: a filter that matches nothing.
            result.Must.Add(MatchKeyword(Fields.Tenant, filter.TenantId));
            result.Must.Add(Match(Fields.KnowledgeBase, filter.KnowledgeBaseIds.ToList()));
        }
        else if (byTenant.Count == 1)
        {
            var only = byTenant[0];
            result.Must.Add(MatchKeyword(Fields.Tenant, only.Key));
            result.Must.Add(Match(Fields.KnowledgeBase, only.Select(s => s.KnowledgeBaseId).Distinct().ToList()));
            if (Visible(filter, only.Key) is { } visible) result.Must.Add(visible);
        }
        else
        {
            var anyScope = new Filter();
            foreach (var tenant in byTenant)
            {
                var scope = new Filter { Must = { MatchKeyword(Fields.Tenant, tenant.Key), Match(Fields.KnowledgeBase, tenant.Select(s => s.KnowledgeBaseId).ToList()) } };
                if (Visible(filter, tenant.Key) is { } visible) scope.Must.Add(visible);
                anyScope.Should.Add(new Condition { Filter = scope });
            }
            result.Must.Add(new Condition { Filter = anyScope });
        }
        if (filter.DocumentIds is { } documents) result.Must.Add(Match(Fields.Document, documents.Distinct().ToList()));
        if (filter.Tags is { } tags) result.Must.Add(Match(Fields.Tags, tags.Distinct().ToList()));
        // An undated point has no effective day, so a range leaves it out, as the embedded index does.
        if (filter.EffectiveFrom is not null || filter.EffectiveTo is not null)
        {
            var range = new global::Qdrant.Client.Grpc.Range();
            if (filter.EffectiveFrom is { } from) range.Gte = from.DayNumber;
            if (filter.EffectiveTo is { } to) range.Lte = to.DayNumber;
            result.Must.Add(Range(Fields.EffectiveDay, range));
        }
        return result;
    }

    /// <summary>
    /// Decision 0040 for one tenant's points: the caller's groups on its own tenant's (none: no clause); on a shared
    /// knowledge base's points, whose groups are the publisher's, only ungrouped ones.
    /// </summary>
    private static Condition? Visible(ChunkFilter filter, string tenant)
    {
        var groups = tenant == filter.TenantId ? filter.Groups : [];
        if (groups is null) return null;
        var visible = new Filter { Should = { IsEmpty(Fields.Groups) } };
        if (groups.Count > 0) visible.Should.Add(Match(Fields.Groups, groups.Distinct().ToList()));
        return new Condition { Filter = visible };
    }

    public static Filter DocumentFilter(DocumentRef document) => new()
    {
        Must =
        {
            MatchKeyword(Fields.Tenant, document.TenantId),
            MatchKeyword(Fields.KnowledgeBase, document.KnowledgeBaseId),
            MatchKeyword(Fields.Document, document.DocumentId),
        },
    };

    /// <summary>The document's points of every generation but <paramref name="generation"/>: what a replace leaves behind.</summary>
    public static Filter OtherGenerationsFilter(DocumentRef document, string generation)
    {
        var filter = DocumentFilter(document);
        filter.MustNot.Add(MatchKeyword(Fields.Generation, generation));
        return filter;
    }

    public static Filter KnowledgeBaseFilter(string tenantId, string knowledgeBaseId) => new()
    {
        Must = { MatchKeyword(Fields.Tenant, tenantId), MatchKeyword(Fields.KnowledgeBase, knowledgeBaseId) },
    };

    public QueryPoints DenseQuery(ChunkFilter filter, ReadOnlyMemory<float> vector, int top) =>
        Query(filter, top, DenseVector, vector.ToArray());

    /// <summary>
    /// The dense similarity of the given chunks: a dense query inside the filter narrowed to their chunk ids, as many
    /// results as ids (the live generation filter leaves one point per chunk).
    /// </summary>
    public QueryPoints DenseSimilaritiesQuery(ChunkFilter filter, ReadOnlyMemory<float> vector, IReadOnlyCollection<string> chunkIds)
    {
        var ids = chunkIds.Distinct().ToList();
        var request = Query(filter, ids.Count, DenseVector, vector.ToArray());
        request.Filter.Must.Add(Match(Fields.ChunkId, ids));
        return request;
    }

    /// <summary>BM25 over the sparse vectors; null when the query has no content words (nothing can match).</summary>
    public QueryPoints? KeywordQuery(ChunkFilter filter, string query, int top)
    {
        var sparse = Bm25SparseVector.Query(query);
        return sparse.IsEmpty ? null : Query(filter, top, SparseVector, (sparse.Values, sparse.Indices));
    }

    /// <summary>
    /// Dense and BM25 candidates fused by Qdrant's reciprocal rank fusion in one request; both prefetches
    /// carry the tenant filter.
    /// </summary>
    public QueryPoints HybridQuery(ChunkFilter filter, ReadOnlyMemory<float> vector, string query, int top, int candidates, int rrfK)
    {
        var request = Query(filter, top, null, new Rrf { K = (uint)rrfK });
        request.Prefetch.Add(new PrefetchQuery { Using = DenseVector, Query = vector.ToArray(), Filter = ToFilter(filter), Limit = (ulong)candidates });
        var sparse = Bm25SparseVector.Query(query);
        if (!sparse.IsEmpty)
            request.Prefetch.Add(new PrefetchQuery { Using = SparseVector, Query = (sparse.Values, sparse.Indices), Filter = ToFilter(filter), Limit = (ulong)candidates });
        return request;
    }

    private QueryPoints Query(ChunkFilter filter, int top, string? vectorName, Query query)
    {
        var request = new QueryPoints
        {
            CollectionName = Collection,
            Query = query,
            Filter = ToFilter(filter),
            Limit = (ulong)top,
            WithPayload = true,
        };
        if (vectorName is not null) request.Using = vectorName;
        if (ShardKeyFor(filter.Scopes.Select(s => s.TenantId).Append(filter.TenantId)) is { } shard) request.ShardKeySelector = shard;
        return request;
    }
}
