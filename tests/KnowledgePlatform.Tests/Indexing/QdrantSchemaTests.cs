// Over 300 lines: every translation of our filter, payload and vector model into Qdrant's, checked without a server.
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Infrastructure.Indexing.Qdrant;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>Every translation to Qdrant's requests, checked without a server.</summary>
public sealed class QdrantSchemaTests
{
    private static readonly EmbeddingModelCard Model = new("snowflake-arctic-embed-xs", 4, 512, "");
    private static readonly QdrantSchema Schema = new(Model, new QdrantOptions());
    private static readonly QdrantSchema Sharded = new(Model, new QdrantOptions { DedicatedTenants = ["big-hospital"] });

    private static IndexedChunk Chunk(int? page = 3, int? line = 12) => new(
        new ChunkPayload("doc_1-v1-00007", "acme", "kb_1", "doc_1", "Dosing guide", "dosing.pdf", 7, "Paracetamol: 1 g every 6 hours.", "Adults › Analgesics", page, line, ChunkKind.Table),
        new float[] { 0.1f, 0.2f, 0.3f, 0.4f });

    [Fact]
    public void The_collection_is_named_after_the_embedding_model_and_dimension()
    {
        Assert.Equal("kp_snowflake-arctic-embed-xs_4", Schema.Collection);
        Assert.Equal("kp_bge_m3_1024", QdrantSchema.CollectionName("kp", "BGE/M3", 1024));
    }

    [Fact]
    public void The_collection_has_a_cosine_dense_vector_a_bm25_sparse_vector_with_idf_and_per_tenant_graphs()
    {
        var create = Schema.CreateCollection();

        var dense = create.VectorsConfig.ParamsMap.Map[QdrantSchema.DenseVector];
        Assert.Equal((4ul, Distance.Cosine), (dense.Size, dense.Distance));
        Assert.Equal(Modifier.Idf, create.SparseVectorsConfig.Map[QdrantSchema.SparseVector].Modifier);
        Assert.Equal((0ul, 16ul), (create.HnswConfig.M, create.HnswConfig.PayloadM));
        Assert.False(create.HasShardingMethod);
        Assert.Empty(Schema.ShardKeys());
    }

    [Fact]
    public void The_tenant_payload_index_is_marked_as_the_tenant_key()
    {
        var indexes = QdrantSchema.PayloadIndexes().ToDictionary(i => i.Field, i => i.Params.KeywordIndexParams);

        Assert.True(indexes[QdrantSchema.Fields.Tenant].IsTenant);
        Assert.False(indexes[QdrantSchema.Fields.KnowledgeBase].IsTenant);
        Assert.Contains(QdrantSchema.Fields.Document, indexes.Keys);
    }

    [Fact]
    public void Point_ids_are_stable_rfc_uuids_of_the_chunk_id_and_the_generation_that_wrote_it()
    {
        var id = QdrantSchema.PointId("doc_1-v1-00007");

        Assert.Equal(id, QdrantSchema.PointId("doc_1-v1-00007"));
        Assert.NotEqual(id, QdrantSchema.PointId("doc_1-v1-00008"));
        Assert.Equal(8, id.Version);
        Assert.Equal('8', id.ToString()[14]);
        Assert.Contains(id.ToString()[19], "89ab");
        var point = Schema.ToPoint(Chunk(), "g1");
        Assert.Equal(QdrantSchema.PointId($"{Chunk().Payload.ChunkId}@g1").ToString(), point.Id.Uuid);
        Assert.NotEqual(point.Id.Uuid, Schema.ToPoint(Chunk(), "g2").Id.Uuid);
        Assert.Equal("g1", point.Payload[QdrantSchema.Fields.Generation].StringValue);
    }

    [Fact]
    public void A_point_carries_both_vectors_and_the_whole_payload()
    {
        var point = Schema.ToPoint(Chunk(), "g1");

        var vectors = point.Vectors.Vectors_.Vectors;
        Assert.Equal([0.1f, 0.2f, 0.3f, 0.4f], vectors[QdrantSchema.DenseVector].Dense.Data);
        var sparse = vectors[QdrantSchema.SparseVector].Sparse;
        // What the embedded index indexes (title, headings, text), with the same analyzer and BM25 parameters.
        var expected = Bm25SparseVector.Document("Dosing guide\nAdults › Analgesics\nParacetamol: 1 g every 6 hours.", new QdrantOptions().Bm25AverageLength);
        Assert.Equal(expected.Indices, sparse.Indices);
        Assert.Equal(expected.Values, sparse.Values);
        Assert.Equal("acme", point.Payload[QdrantSchema.Fields.Tenant].StringValue);
        Assert.Equal("kb_1", point.Payload[QdrantSchema.Fields.KnowledgeBase].StringValue);
        Assert.Equal("doc_1", point.Payload[QdrantSchema.Fields.Document].StringValue);
        Assert.Equal(3, point.Payload[QdrantSchema.Fields.Page].IntegerValue);
        Assert.Equal("Table", point.Payload[QdrantSchema.Fields.Kind].StringValue);
    }

    [Theory]
    [InlineData(3, 12)]
    [InlineData(null, null)]
    public void A_payload_read_back_is_the_chunk_payload_that_was_written(int? page, int? line)
    {
        var chunk = Chunk(page, line);

        var payload = Schema.ToPoint(chunk, "g1").Payload;

        Assert.Equal(page is null, !payload.ContainsKey(QdrantSchema.Fields.Page));
        Assert.Equal(chunk.Payload, QdrantSchema.FromPayload(payload));
    }

    [Fact]
    public void A_vector_of_the_wrong_dimension_is_refused_before_anything_is_sent()
    {
        var chunk = Chunk() with { Vector = new float[3] };

        Assert.Throws<ArgumentException>(() => Schema.ToPoint(chunk, "g1"));
    }

    [Fact]
    public void The_filter_always_holds_the_tenant_and_the_knowledge_bases()
    {
        var filter = QdrantSchema.ToFilter(new ChunkFilter("acme", ["kb_1", "kb_2", "kb_1"]));

        Assert.Equal(2, filter.Must.Count);
        Assert.Equal((QdrantSchema.Fields.Tenant, "acme"), (filter.Must[0].Field.Key, filter.Must[0].Field.Match.Keyword));
        Assert.Equal(QdrantSchema.Fields.KnowledgeBase, filter.Must[1].Field.Key);
        Assert.Equal(["kb_1", "kb_2"], filter.Must[1].Field.Match.Keywords.Strings);
        Assert.Empty(filter.Should);
        Assert.Empty(filter.MustNot);
    }

    [Fact]
    public void A_points_groups_are_a_keyword_array_in_its_payload_and_read_back()
    {
        var chunk = Chunk() with { Payload = Chunk().Payload with { Groups = ["oncology", "pharmacy"] } };

        var payload = Schema.ToPoint(chunk, "g1").Payload;

        Assert.Equal(["oncology", "pharmacy"], payload[QdrantSchema.Fields.Groups].ListValue.Values.Select(v => v.StringValue));
        Assert.Equal(["oncology", "pharmacy"], QdrantSchema.FromPayload(payload).Groups);
        Assert.False(Schema.ToPoint(Chunk(), "g1").Payload.ContainsKey(QdrantSchema.Fields.Groups));
        Assert.Contains(QdrantSchema.PayloadIndexes(), i => i.Field == QdrantSchema.Fields.Groups);
    }

    [Fact]
    public void A_points_tags_and_effective_date_are_in_its_payload_and_read_back()
    {
        var chunk = Chunk() with { Payload = Chunk().Payload with { Tags = ["guideline"], EffectiveDate = new DateOnly(2024, 6, 1) } };

        var payload = Schema.ToPoint(chunk, "g1").Payload;

        Assert.Equal(["guideline"], payload[QdrantSchema.Fields.Tags].ListValue.Values.Select(v => v.StringValue));
        Assert.Equal(new DateOnly(2024, 6, 1).DayNumber, payload[QdrantSchema.Fields.EffectiveDay].IntegerValue);
        var back = QdrantSchema.FromPayload(payload);
        Assert.Equal(["guideline"], back.Tags);
        Assert.Equal(new DateOnly(2024, 6, 1), back.EffectiveDate);
        var plain = QdrantSchema.FromPayload(Schema.ToPoint(Chunk(), "g1").Payload);
        Assert.Equal((0, null), (plain.Tags.Count, plain.EffectiveDate));
    }

    [Fact]
    public void Tags_and_effective_dates_add_a_clause_each_and_an_undated_point_has_no_day_to_match()
    {
        var filter = QdrantSchema.ToFilter(new ChunkFilter("acme", ["kb_1"])
        {
            Tags = ["guideline", "archived"], EffectiveFrom = new DateOnly(2020, 1, 1), EffectiveTo = new DateOnly(2024, 12, 31),
        });

        Assert.Equal(4, filter.Must.Count);
        Assert.Equal(["guideline", "archived"], filter.Must.Single(c => c.Field?.Key == QdrantSchema.Fields.Tags).Field.Match.Keywords.Strings);
        var range = filter.Must.Single(c => c.Field?.Key == QdrantSchema.Fields.EffectiveDay).Field.Range;
        Assert.Equal((new DateOnly(2020, 1, 1).DayNumber, new DateOnly(2024, 12, 31).DayNumber), ((int)range.Gte, (int)range.Lte));
        var from = QdrantSchema.ToFilter(new ChunkFilter("acme", ["kb_1"]) { EffectiveFrom = new DateOnly(2020, 1, 1) });
        Assert.False(from.Must.Single(c => c.Field?.Key == QdrantSchema.Fields.EffectiveDay).Field.Range.HasLte);
        Assert.Contains(QdrantSchema.PayloadIndexes(), i => i.Field == QdrantSchema.Fields.EffectiveDay && i.Type == PayloadSchemaType.Integer);
    }

    [Fact]
    public void Access_groups_add_a_clause_ungrouped_or_holding_one_of_the_callers_groups()
    {
        var filter = QdrantSchema.ToFilter(new ChunkFilter("acme", ["kb_1"]) { Groups = ["oncology", "pharmacy"] });

        Assert.Equal(3, filter.Must.Count);
        var visible = filter.Must[2].Filter;
        Assert.Equal(2, visible.Should.Count);
        Assert.Equal(QdrantSchema.Fields.Groups, visible.Should[0].IsEmpty.Key);
        Assert.Equal(QdrantSchema.Fields.Groups, visible.Should[1].Field.Key);
        Assert.Equal(["oncology", "pharmacy"], visible.Should[1].Field.Match.Keywords.Strings);
    }

    [Fact]
    public void A_caller_without_groups_sees_only_ungrouped_points_and_an_admin_is_not_restricted()
    {
        var none = QdrantSchema.ToFilter(new ChunkFilter("acme", ["kb_1"]) { Groups = [] });
        var admin = QdrantSchema.ToFilter(new ChunkFilter("acme", ["kb_1"]));

        Assert.Equal(QdrantSchema.Fields.Groups, Assert.Single(none.Must[2].Filter.Should).IsEmpty.Key);
        Assert.Equal(2, admin.Must.Count);
    }

    [Fact]
    public void Shared_knowledge_bases_widen_the_scope_only_by_their_owner_tenant_and_id()
    {
        var filter = QdrantSchema.ToFilter(new ChunkFilter("acme", ["kb_1"]) { Shared = [new("platform", "kb_guidelines")] });

        var scopes = Assert.Single(filter.Must).Filter.Should;
        Assert.Equal(2, scopes.Count);
        Assert.Equal((QdrantSchema.Fields.Tenant, "acme"), (scopes[0].Filter.Must[0].Field.Key, scopes[0].Filter.Must[0].Field.Match.Keyword));
        Assert.Equal(["kb_1"], scopes[0].Filter.Must[1].Field.Match.Keywords.Strings);
        Assert.Equal((QdrantSchema.Fields.Tenant, "platform"), (scopes[1].Filter.Must[0].Field.Key, scopes[1].Filter.Must[0].Field.Match.Keyword));
        Assert.Equal(["kb_guidelines"], scopes[1].Filter.Must[1].Field.Match.Keywords.Strings);
    }

    [Fact]
    public void On_a_shared_knowledge_base_only_ungrouped_points_are_visible_whatever_the_callers_groups()
    {
        foreach (var groups in new IReadOnlyList<string>?[] { null, ["oncology"] })
        {
            var scopes = Assert.Single(QdrantSchema.ToFilter(new ChunkFilter("acme", ["kb_1"]) { Groups = groups, Shared = [new("platform", "kb_guidelines")] }).Must).Filter.Should;

            // The caller's own tenant: its groups decide (an admin, with none, is not restricted).
            Assert.Equal(groups is null ? 2 : 3, scopes[0].Filter.Must.Count);
            // The publisher's points: only ungrouped ones, since groups are the publisher's.
            Assert.Equal("platform", scopes[1].Filter.Must[0].Field.Match.Keyword);
            Assert.Equal(QdrantSchema.Fields.Groups, Assert.Single(scopes[1].Filter.Must[2].Filter.Should).IsEmpty.Key);
        }
    }

    [Fact]
    public void A_query_over_a_shared_knowledge_base_alone_filters_on_its_owner_tenant()
    {
        var filter = QdrantSchema.ToFilter(new ChunkFilter("acme", []) { Shared = [new("platform", "kb_guidelines")] });

        Assert.Equal((QdrantSchema.Fields.Tenant, "platform"), (filter.Must[0].Field.Key, filter.Must[0].Field.Match.Keyword));
        Assert.Equal(["kb_guidelines"], filter.Must[1].Field.Match.Keywords.Strings);
        Assert.Equal(QdrantSchema.Fields.Groups, Assert.Single(filter.Must[2].Filter.Should).IsEmpty.Key);
    }

    [Fact]
    public void A_query_over_a_shared_knowledge_base_reads_the_owners_shard_too()
    {
        var query = Sharded.DenseQuery(new ChunkFilter("big-hospital", ["kb_1"]) { Shared = [new("platform", "kb_guidelines")] }, new float[4], 5);

        Assert.Equal(["big-hospital", QdrantSchema.SharedShardKey], query.ShardKeySelector.ShardKeys.Select(k => k.Keyword).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Document_ids_add_one_more_must_clause()
    {
        var filter = QdrantSchema.ToFilter(new ChunkFilter("acme", ["kb_1"]) { DocumentIds = ["doc_1", "doc_2"] });

        var documents = filter.Must.Single(c => c.Field.Key == QdrantSchema.Fields.Document);
        Assert.Equal(["doc_1", "doc_2"], documents.Field.Match.Keywords.Strings);
        Assert.Equal(3, filter.Must.Count);
    }

    [Fact]
    public void Replacing_a_document_deletes_its_points_of_every_other_generation()
    {
        var filter = QdrantSchema.OtherGenerationsFilter(new DocumentRef("acme", "kb_1", "doc_1"), "g2");

        Assert.Equal([QdrantSchema.Fields.Tenant, QdrantSchema.Fields.KnowledgeBase, QdrantSchema.Fields.Document], filter.Must.Select(c => c.Field.Key));
        Assert.Equal("doc_1", filter.Must[2].Field.Match.Keyword);
        var keep = Assert.Single(filter.MustNot);
        Assert.Equal((QdrantSchema.Fields.Generation, "g2"), (keep.Field.Key, keep.Field.Match.Keyword));
    }

    [Fact]
    public void Deleting_a_knowledge_base_is_scoped_to_the_tenant()
    {
        var filter = QdrantSchema.KnowledgeBaseFilter("acme", "kb_1");

        Assert.Equal([("tenant_id", "acme"), ("kb_id", "kb_1")], filter.Must.Select(c => (c.Field.Key, c.Field.Match.Keyword)));
    }

    [Fact]
    public void A_dense_query_searches_the_dense_vector_inside_the_filter_with_payloads()
    {
        var query = Schema.DenseQuery(new ChunkFilter("acme", ["kb_1"]), new float[] { 1, 0, 0, 0 }, 40);

        Assert.Equal(Schema.Collection, query.CollectionName);
        Assert.Equal(QdrantSchema.DenseVector, query.Using);
        Assert.Equal([1f, 0f, 0f, 0f], query.Query.Nearest.Dense.Data);
        Assert.Equal("acme", query.Filter.Must[0].Field.Match.Keyword);
        Assert.Equal(40ul, query.Limit);
        Assert.True(query.WithPayload.Enable);
        Assert.Null(query.ShardKeySelector);
    }

    [Fact]
    public void Scoring_chunks_by_id_is_a_dense_query_inside_the_tenant_filter_narrowed_to_their_ids()
    {
        var query = Schema.DenseSimilaritiesQuery(new ChunkFilter("acme", ["kb_1"]) { Groups = ["oncology"] }, new float[] { 0, 1, 0, 0 }, ["c1", "c2", "c1"]);

        Assert.Equal(QdrantSchema.DenseVector, query.Using);
        Assert.Equal([0f, 1f, 0f, 0f], query.Query.Nearest.Dense.Data);
        Assert.Equal("acme", query.Filter.Must[0].Field.Match.Keyword);
        Assert.Equal(["c1", "c2"], query.Filter.Must.Single(c => c.Field?.Key == QdrantSchema.Fields.ChunkId).Field.Match.Keywords.Strings);
        Assert.Equal(4, query.Filter.Must.Count); // tenant, knowledge bases, groups, chunk ids
        Assert.Equal(2ul, query.Limit);
        Assert.Contains(QdrantSchema.PayloadIndexes(), i => i.Field == QdrantSchema.Fields.ChunkId);
    }

    [Fact]
    public void A_keyword_query_sends_the_query_terms_as_a_sparse_vector()
    {
        var query = Schema.KeywordQuery(new ChunkFilter("acme", ["kb_1"]), "What is the paracetamol dose?", 10)!;

        Assert.Equal(QdrantSchema.SparseVector, query.Using);
        var sparse = query.Query.Nearest.Sparse;
        var expected = Bm25SparseVector.Query("What is the paracetamol dose?");
        Assert.Equal(expected.Indices, sparse.Indices);
        Assert.Equal(expected.Values, sparse.Values);
        Assert.Contains(Bm25SparseVector.TermIndex("paracetamol"), sparse.Indices);
        Assert.Equal("acme", query.Filter.Must[0].Field.Match.Keyword);
    }

    [Fact]
    public void A_keyword_query_of_stop_words_only_weighs_them_at_half_as_the_embedded_index_does()
    {
        var query = Schema.KeywordQuery(new ChunkFilter("acme", ["kb_1"]), "what is the", 10)!;

        Assert.All(query.Query.Nearest.Sparse.Values, v => Assert.Equal(0.5f, v));
        Assert.Null(Schema.KeywordQuery(new ChunkFilter("acme", ["kb_1"]), "?!", 10));
    }

    [Fact]
    public void A_hybrid_query_fuses_dense_and_sparse_prefetches_with_rrf_each_inside_the_filter()
    {
        var query = Schema.HybridQuery(new ChunkFilter("acme", ["kb_1"]), new float[] { 0, 1, 0, 0 }, "paracetamol dose", top: 6, candidates: 40, rrfK: 60);

        Assert.Equal(60u, query.Query.Rrf.K);
        Assert.Equal(6ul, query.Limit);
        Assert.Equal([QdrantSchema.DenseVector, QdrantSchema.SparseVector], query.Prefetch.Select(p => p.Using));
        Assert.All(query.Prefetch, p => Assert.Equal((40ul, "acme"), (p.Limit, p.Filter.Must[0].Field.Match.Keyword)));
        Assert.Equal("acme", query.Filter.Must[0].Field.Match.Keyword);
    }

    [Fact]
    public void With_dedicated_tenants_the_collection_uses_custom_shard_keys_and_others_share_one()
    {
        Assert.Equal(ShardingMethod.Custom, Sharded.CreateCollection().ShardingMethod);
        Assert.Equal([QdrantSchema.SharedShardKey, "big-hospital"], Sharded.ShardKeys());
        Assert.Equal("big-hospital", Assert.Single(Sharded.ShardKeyFor("big-hospital")!.ShardKeys).Keyword);
        Assert.Equal(QdrantSchema.SharedShardKey, Assert.Single(Sharded.ShardKeyFor("small-clinic")!.ShardKeys).Keyword);
        var query = Sharded.DenseQuery(new ChunkFilter("big-hospital", ["kb"]), new float[4], 5);
        Assert.Equal("big-hospital", Assert.Single(query.ShardKeySelector.ShardKeys).Keyword);
        Assert.Equal("big-hospital", query.Filter.Must[0].Field.Match.Keyword);
    }

    [Fact]
    public async Task An_unreachable_qdrant_is_reported_as_index_unavailable_with_a_reason()
    {
        var options = new QdrantOptions { Url = "http://127.0.0.1:1", Attempts = 2, Timeout = TimeSpan.FromSeconds(5) };
        using var client = new QdrantClient(new Uri(options.Url), grpcTimeout: options.Timeout);
        using var index = new QdrantChunkIndex(client, new QdrantSchema(Model, options), options, new InMemoryLiveGenerations(), NullLogger<QdrantChunkIndex>.Instance);

        var error = await Assert.ThrowsAsync<IndexUnavailableException>(() =>
            index.SearchDenseAsync(new ChunkFilter("acme", ["kb_1"]), new float[4], 5, TestContext.Current.CancellationToken));

        Assert.Contains("Qdrant", error.Message, StringComparison.Ordinal);
        Assert.Contains("Unavailable", error.Message, StringComparison.Ordinal);
    }
}
