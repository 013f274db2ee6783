using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

public sealed class EmbeddedChunkIndexTests : IDisposable
{
    private const int Dimension = 8;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kp-index-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static float[] Axis(int i, float tilt = 0)
    {
        var v = new float[Dimension];
        v[i] = 1;
        v[(i + 1) % Dimension] = tilt;
        return v;
    }

    private static IndexedChunk Chunk(DocumentRef doc, int ordinal, string text, float[] vector, string title = "Title") =>
        new(new ChunkPayload($"{doc.DocumentId}-{ordinal}", doc.TenantId, doc.KnowledgeBaseId, doc.DocumentId, title, "file.md", ordinal, text, "", null, null, ChunkKind.Text), vector);

    [Fact]
    public async Task No_filter_combination_lets_another_tenants_chunks_through_either_signal()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        // Both tenants use the same knowledge base id, tag and date: only the tenant differs.
        var mine = new DocumentRef("tenant-a", "kb", "doc");
        var theirs = new DocumentRef("tenant-b", "kb", "doc-b");
        await index.ReplaceDocumentAsync(mine, [ChunkIndexContractTests.Tagged(Chunk(mine, 0, "dosage of paracetamol", Axis(0)))], _ct);
        await index.ReplaceDocumentAsync(theirs, [ChunkIndexContractTests.Tagged(Chunk(theirs, 0, "dosage of paracetamol for tenant b", Axis(0, 0.01f)))], _ct);

        ChunkFilter[] filters =
        [
            new("tenant-a", ["kb"]),
            new("tenant-a", ["kb"]) { DocumentIds = ["doc", "doc-b"] },
            new("tenant-a", ["kb"]) { Tags = ["guideline"] },
            new("tenant-a", ["kb"]) { EffectiveFrom = new DateOnly(2024, 1, 1), EffectiveTo = new DateOnly(2024, 12, 31) },
        ];
        foreach (var filter in filters)
        {
            var dense = await index.SearchDenseAsync(filter, Axis(0), 10, _ct);
            var keyword = await index.SearchKeywordAsync(filter, "paracetamol dosage tenant b", 10, _ct);
            Assert.Equal(["doc"], dense.Concat(keyword).Select(h => h.Chunk.DocumentId).Distinct());
            Assert.Empty(await index.GetDocumentChunksAsync(filter, "doc-b", 0, 10, _ct));
        }
    }

    [Fact]
    public async Task Access_groups_are_applied_inside_both_signals_and_neighbour_reads()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        var open = new DocumentRef("tenant-a", "kb", "open");
        var oncology = new DocumentRef("tenant-a", "kb", "oncology");
        await index.ReplaceDocumentAsync(open, [Chunk(open, 0, "general dosage of paracetamol", Axis(1))], _ct);
        // The grouped chunk is the better match on both signals: a post-filter with a small top would lose the open one.
        await index.ReplaceDocumentAsync(oncology, [Grouped(Chunk(oncology, 0, "paracetamol dosage paracetamol dosage in chemotherapy", Axis(0)), "oncology")], _ct);

        async Task<string[]> Seen(ChunkFilter filter) =>
            (await index.SearchDenseAsync(filter, Axis(0), 1, _ct)).Concat(await index.SearchKeywordAsync(filter, "paracetamol dosage", 1, _ct))
                .Select(h => h.Chunk).Concat(await index.GetDocumentChunksAsync(filter, "oncology", 0, 5, _ct))
                .Select(c => c.DocumentId).Distinct().Order().ToArray();

        Assert.Equal(["open"], await Seen(new ChunkFilter("tenant-a", ["kb"]) { Groups = [] }));
        Assert.Equal(["open"], await Seen(new ChunkFilter("tenant-a", ["kb"]) { Groups = ["cardiology"] }));
        Assert.Equal(["oncology"], await Seen(new ChunkFilter("tenant-a", ["kb"]) { Groups = ["cardiology", "oncology"] }));
        Assert.Equal(["oncology"], await Seen(new ChunkFilter("tenant-a", ["kb"])));
        Assert.Equal(1, await index.CountAsync(new ChunkFilter("tenant-a", ["kb"]) { Groups = [] }, _ct));
        Assert.Equal(2, await index.CountAsync(new ChunkFilter("tenant-a", ["kb"]), _ct));
    }

    [Fact]
    public async Task A_shared_knowledge_base_is_searched_with_the_tenants_own_and_nothing_else_of_its_owner()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        var own = new DocumentRef("tenant-a", "kb-own", "own");
        var shared = new DocumentRef("platform", "kb-shared", "shared");
        var unshared = new DocumentRef("platform", "kb-private", "private");
        await index.ReplaceDocumentAsync(own, [Chunk(own, 0, "ward paracetamol dosage", Axis(0))], _ct);
        await index.ReplaceDocumentAsync(shared, [Chunk(shared, 0, "guideline paracetamol dosage", Axis(0, 0.1f))], _ct);
        await index.ReplaceDocumentAsync(unshared, [Chunk(unshared, 0, "private paracetamol dosage", Axis(0, 0.05f))], _ct);

        var filter = new ChunkFilter("tenant-a", ["kb-own", "kb-private"]) { Shared = [new("platform", "kb-shared")] };
        var dense = await index.SearchDenseAsync(filter, Axis(0), 10, _ct);
        var keyword = await index.SearchKeywordAsync(filter, "paracetamol dosage", 10, _ct);

        // kb-private is named but as the tenant's own: the platform's chunks there stay out.
        Assert.Equal(["own", "shared"], dense.Select(h => h.Chunk.DocumentId).Order().ToArray());
        Assert.Equal(["own", "shared"], keyword.Select(h => h.Chunk.DocumentId).Order().ToArray());
        Assert.Equal(2, await index.CountAsync(filter, _ct));
    }

    [Fact]
    public async Task A_shared_knowledge_bases_grouped_chunks_stay_with_its_publisher_whatever_the_callers_groups()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        var own = new DocumentRef("tenant-a", "kb-own", "own-oncology");
        var open = new DocumentRef("platform", "kb-shared", "shared-open");
        var grouped = new DocumentRef("platform", "kb-shared", "shared-oncology");
        await index.ReplaceDocumentAsync(own, [Grouped(Chunk(own, 0, "ward paracetamol dosage", Axis(0)), "oncology")], _ct);
        await index.ReplaceDocumentAsync(open, [Chunk(open, 0, "guideline paracetamol dosage", Axis(0, 0.1f))], _ct);
        await index.ReplaceDocumentAsync(grouped, [Grouped(Chunk(grouped, 0, "restricted paracetamol dosage paracetamol", Axis(0, 0.05f)), "oncology")], _ct);

        // An admin of tenant-a (no group restriction) and a holder of a group of the same name alike.
        foreach (var groups in new IReadOnlyList<string>?[] { null, ["oncology"] })
        {
            var filter = new ChunkFilter("tenant-a", ["kb-own"]) { Groups = groups, Shared = [new("platform", "kb-shared")] };
            var seen = (await index.SearchDenseAsync(filter, Axis(0), 10, _ct)).Concat(await index.SearchKeywordAsync(filter, "paracetamol dosage", 10, _ct))
                .Select(h => h.Chunk).Concat(await index.GetDocumentChunksAsync(filter, "shared-oncology", 0, 5, _ct))
                .Select(c => c.DocumentId).Distinct().Order().ToArray();
            Assert.Equal(["own-oncology", "shared-open"], seen);
            Assert.Equal(2, await index.CountAsync(filter, _ct));
        }
    }

    private static IndexedChunk Grouped(IndexedChunk chunk, params string[] groups) =>
        chunk with { Payload = chunk.Payload with { Groups = groups } };

    [Fact]
    public async Task A_query_can_span_several_knowledge_bases_of_the_tenant()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        var first = new DocumentRef("t", "kb-1", "a");
        var second = new DocumentRef("t", "kb-2", "b");
        await index.ReplaceDocumentAsync(first, [Chunk(first, 0, "router reset steps", Axis(0))], _ct);
        await index.ReplaceDocumentAsync(second, [Chunk(second, 0, "router warranty terms", Axis(0, 0.3f))], _ct);

        var filter = new ChunkFilter("t", ["kb-1", "kb-2"]);

        Assert.Equal(["a", "b"], (await index.SearchDenseAsync(filter, Axis(0), 10, _ct)).Select(h => h.Chunk.DocumentId));
        Assert.Equal(["a", "b"], (await index.SearchKeywordAsync(filter, "router", 10, _ct)).Select(h => h.Chunk.DocumentId).Order());
        Assert.Equal(["a"], (await index.SearchKeywordAsync(new ChunkFilter("t", ["kb-1"]), "router", 10, _ct)).Select(h => h.Chunk.DocumentId));
    }

    [Fact]
    public async Task Bm25_scores_follow_the_formula_with_k1_0_9_and_b_0_4()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        var doc = new DocumentRef("t", "kb", "d");
        // No title, so each chunk's length is its own words: 2, 3 and 1 (average 2).
        await index.ReplaceDocumentAsync(doc, [
            Chunk(doc, 0, "apple banana", Axis(0), title: ""),
            Chunk(doc, 1, "apple apple cherry", Axis(1), title: ""),
            Chunk(doc, 2, "cherry", Axis(2), title: ""),
        ], _ct);

        var hits = await index.SearchKeywordAsync(new ChunkFilter("t", ["kb"]), "apple", 10, _ct);

        // idf = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln 1.6 = 0.470004
        // chunk 1: tf 2, length 3: 2 × 1.9 / (2 + 0.9 × (0.6 + 0.4 × 3/2)) = 3.8 / 3.08 = 1.233766 → 0.579875
        // chunk 0: tf 1, length 2: 1 × 1.9 / (1 + 0.9 × (0.6 + 0.4 × 2/2)) = 1.9 / 1.9  = 1        → 0.470004
        Assert.Equal([1, 0], hits.Select(h => h.Chunk.Ordinal));
        Assert.Equal(0.579875, hits[0].Score, 6);
        Assert.Equal(0.470004, hits[1].Score, 6);
    }

    [Fact]
    public async Task Chinese_text_is_found_by_a_chinese_question()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        var doc = new DocumentRef("t", "kb", "d");
        await index.ReplaceDocumentAsync(doc, [
            Chunk(doc, 0, "本产品的保修期为两年，自购买之日起计算。", Axis(0), title: "保修政策"),
            Chunk(doc, 1, "退货须在三十天内办理，并保留原始包装。", Axis(1), title: "退货政策"),
            Chunk(doc, 2, "The warranty lasts two years.", Axis(2), title: "Warranty"),
        ], _ct);

        var hits = await index.SearchKeywordAsync(new ChunkFilter("t", ["kb"]), "保修期是多久？", 10, _ct);

        Assert.Equal(0, hits[0].Chunk.Ordinal);
        Assert.DoesNotContain(hits, h => h.Chunk.Ordinal == 2);
    }

    [Fact]
    public async Task An_hnsw_file_of_the_index_before_partitions_is_deleted_so_its_knowledge_base_is_rebuilt()
    {
        var doc = new DocumentRef("t", "kb", "d");
        using (var index = new EmbeddedChunkIndex(_folder))
            await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "kept", Axis(0))], _ct);
        File.Delete(Path.Combine(_folder, "vectors", "kb.vectors"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "vectors", "kb.usearch"), "graph", _ct);

        using var reopened = new EmbeddedChunkIndex(_folder);

        Assert.False(File.Exists(Path.Combine(_folder, "vectors", "kb.usearch")));
        // Rows without vectors: what the bootstrapper rebuilds from the metadata database.
        var (rows, vectors) = reopened.Inventory();
        Assert.Equal(1, rows["kb"]);
        Assert.Equal(0, vectors["kb"]);
    }

    [Fact]
    public async Task An_index_written_by_the_previous_version_is_dropped_so_it_is_rebuilt()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "vectors"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "vectors", "kb.vectors"), "stale", _ct);
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder, "fulltext.db")};Pooling=False"))
        {
            await old.OpenAsync(_ct);
            await using var command = old.CreateCommand();
            command.CommandText = "CREATE TABLE chunks(key INTEGER PRIMARY KEY, chunk_id TEXT, tenant_id TEXT, kb_id TEXT, document_id TEXT, payload TEXT);"
                + "INSERT INTO chunks VALUES (1, 'c', 't', 'kb', 'd', '{}');";
            await command.ExecuteNonQueryAsync(_ct);
        }

        using var index = new EmbeddedChunkIndex(_folder);

        Assert.Equal(0, await index.CountAsync(new ChunkFilter("t", ["kb"]), _ct));
        Assert.False(File.Exists(Path.Combine(_folder, "vectors", "kb.vectors")));
        var doc = new DocumentRef("t", "kb", "d");
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "fresh", Axis(0))], _ct);
        Assert.Single(await index.SearchKeywordAsync(new ChunkFilter("t", ["kb"]), "fresh", 5, _ct));
    }

    [Fact]
    public async Task A_documents_chunks_come_back_in_order_within_an_ordinal_range()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        var doc = new DocumentRef("t", "kb", "d");
        await index.ReplaceDocumentAsync(doc, Enumerable.Range(0, 6).Select(i => Chunk(doc, i, $"part {i}", Axis(i % Dimension))).Reverse().ToList(), _ct);

        var chunks = await index.GetDocumentChunksAsync(new ChunkFilter("t", ["kb"]), "d", 2, 4, _ct);

        Assert.Equal([2, 3, 4], chunks.Select(c => c.Ordinal));
    }

    [Fact]
    public async Task A_vector_of_another_dimension_than_the_knowledge_bases_is_refused()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        var doc = new DocumentRef("t", "kb", "d");
        var other = new DocumentRef("t", "kb", "other");
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "x", Axis(0))], _ct);

        await Assert.ThrowsAsync<ArgumentException>(() => index.ReplaceDocumentAsync(other, [Chunk(other, 0, "y", new float[3])], _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => index.SearchDenseAsync(new ChunkFilter("t", ["kb"]), new float[3], 5, _ct));
    }

    [Fact]
    public async Task Each_knowledge_base_takes_the_dimension_of_its_own_embedding_model()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        var english = new DocumentRef("t", "kb-en", "en");
        var chinese = new DocumentRef("t", "kb-zh", "zh");
        await index.ReplaceDocumentAsync(english, [Chunk(english, 0, "warranty", Axis(0))], _ct);
        await index.ReplaceDocumentAsync(chinese, [Chunk(chinese, 0, "保修", [1f, 0f, 0f])], _ct);

        Assert.Single(await index.SearchDenseAsync(new ChunkFilter("t", ["kb-zh"]), new[] { 1f, 0f, 0f }, 5, _ct));
        Assert.Single(await index.SearchDenseAsync(new ChunkFilter("t", ["kb-en"]), Axis(0), 5, _ct));
    }
}
