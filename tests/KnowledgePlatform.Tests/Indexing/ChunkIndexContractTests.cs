// Over 300 lines: one contract that every chunk index (embedded and Qdrant) must meet, kept in one place so no backend can skip a clause.
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Indexing.Qdrant;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>
/// What every <see cref="IChunkIndex"/> must do, run against each implementation: the embedded store
/// always, Qdrant when KP_QDRANT_URL names a server (its gRPC port), otherwise reported as skipped.
/// </summary>
public abstract class ChunkIndexContractTests : IAsyncLifetime
{
    public const int Dimension = 8;
    private readonly List<IDisposable> _opened = [];

    protected CancellationToken Ct { get; } = TestContext.Current.CancellationToken;

    /// <summary>Opens the index under test; a second call opens the same stored index again, as after a restart.</summary>
    protected abstract IChunkIndex Open();

    protected IChunkIndex OpenTracked()
    {
        var index = Open();
        if (index is IDisposable disposable) _opened.Add(disposable);
        return index;
    }

    /// <summary>Releases an index (flushing what it holds), as a process would on shutdown.</summary>
    protected void Close(IChunkIndex index)
    {
        if (index is not IDisposable disposable) return;
        disposable.Dispose();
        _opened.Remove(disposable);
    }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual ValueTask DisposeAsync()
    {
        foreach (var index in _opened) index.Dispose();
        return ValueTask.CompletedTask;
    }

    protected static float[] Axis(int i, float tilt = 0)
    {
        var v = new float[Dimension];
        v[i] = 1;
        v[(i + 1) % Dimension] = tilt;
        return v;
    }

    protected static IndexedChunk Chunk(DocumentRef doc, int ordinal, string text, float[] vector) =>
        new(new ChunkPayload($"{doc.DocumentId}-{ordinal}", doc.TenantId, doc.KnowledgeBaseId, doc.DocumentId, "Title", "file.md", ordinal, text, "", null, null, ChunkKind.Text), vector);

    [Fact]
    public async Task A_query_never_returns_another_tenants_chunks_even_with_their_knowledge_base_id()
    {
        var index = OpenTracked();
        var mine = new DocumentRef("tenant-a", "kb-a", "doc-a");
        var theirs = new DocumentRef("tenant-b", "kb-b", "doc-b");
        await index.ReplaceDocumentAsync(mine, [Chunk(mine, 0, "warranty for the vacuum", Axis(0))], Ct);
        await index.ReplaceDocumentAsync(theirs, [Chunk(theirs, 0, "warranty for the secret product", Axis(0, 0.1f))], Ct);

        // Tenant A names tenant B's knowledge base: nothing comes back from either signal.
        var crossFilter = new ChunkFilter("tenant-a", ["kb-a", "kb-b"]);
        var dense = await index.SearchDenseAsync(crossFilter, Axis(0), 10, Ct);
        var keyword = await index.SearchKeywordAsync(crossFilter, "warranty secret", 10, Ct);

        Assert.All(dense.Concat(keyword), h => Assert.Equal("tenant-a", h.Chunk.TenantId));
        Assert.Single(dense);
        Assert.Single(keyword);
        Assert.Equal(0, await index.CountAsync(new ChunkFilter("tenant-a", ["kb-b"]), Ct));
    }

    [Fact]
    public async Task Dense_search_ranks_by_cosine_similarity()
    {
        var index = OpenTracked();
        var doc = new DocumentRef("t", "kb", "d");
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "zero", Axis(0)), Chunk(doc, 1, "one", Axis(1)), Chunk(doc, 2, "near zero", Axis(0, 0.5f))], Ct);

        var hits = await index.SearchDenseAsync(new ChunkFilter("t", ["kb"]), Axis(0), 3, Ct);

        Assert.Equal(["zero", "near zero", "one"], hits.Select(h => h.Chunk.Text));
        Assert.Equal(1.0, hits[0].Score, 4);
        Assert.Equal(0.0, hits[2].Score, 4);
    }

    [Fact]
    public async Task Chunks_scored_by_id_get_their_cosine_similarity_and_only_those_the_filter_lets_the_caller_read()
    {
        var index = OpenTracked();
        var doc = new DocumentRef("tenant-a", "kb-a", "doc-a");
        var grouped = new DocumentRef("tenant-a", "kb-a", "doc-g");
        var theirs = new DocumentRef("tenant-b", "kb-b", "doc-b");
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "zero", Axis(0)), Chunk(doc, 1, "one", Axis(1)), Chunk(doc, 2, "near zero", Axis(0, 0.5f))], Ct);
        var restricted = Chunk(grouped, 0, "restricted", Axis(0));
        await index.ReplaceDocumentAsync(grouped, [new IndexedChunk(restricted.Payload with { Groups = ["oncology"] }, restricted.Vector)], Ct);
        await index.ReplaceDocumentAsync(theirs, [Chunk(theirs, 0, "theirs", Axis(0))], Ct);
        string[] asked = ["doc-a-1", "doc-a-2", "doc-g-0", "doc-b-0", "doc-a-9"];

        var scored = await index.DenseSimilaritiesAsync(new ChunkFilter("tenant-a", ["kb-a", "kb-b"]) { Groups = [] }, Axis(0), asked, Ct);

        // Another tenant's chunk, a chunk of a group the caller is not in and an unknown id are left out.
        Assert.Equal(["doc-a-1", "doc-a-2"], scored.Keys.Order());
        Assert.Equal(0.0, scored["doc-a-1"], 0.002);
        Assert.Equal(1 / Math.Sqrt(1.25), scored["doc-a-2"], 0.002);
        Assert.Contains("doc-g-0", (await index.DenseSimilaritiesAsync(new ChunkFilter("tenant-a", ["kb-a"]) { Groups = ["oncology"] }, Axis(0), asked, Ct)).Keys);
        Assert.Empty(await index.DenseSimilaritiesAsync(new ChunkFilter("tenant-a", ["kb-a"]) { DocumentIds = ["doc-g"], Groups = [] }, Axis(0), asked, Ct));
        Assert.Empty(await index.DenseSimilaritiesAsync(new ChunkFilter("tenant-a", ["kb-a"]) { Tags = ["formulary"] }, Axis(0), asked, Ct));
    }

    [Fact]
    public async Task Keyword_search_ranks_by_bm25_and_stems_words()
    {
        var index = OpenTracked();
        var doc = new DocumentRef("t", "kb", "d");
        await index.ReplaceDocumentAsync(doc, [
            Chunk(doc, 0, "Returns are accepted within 30 days of delivery.", Axis(0)),
            Chunk(doc, 1, "The thermostat supports two heating zones.", Axis(1)),
            Chunk(doc, 2, "Returning an item: pack it, print the label, return it within 30 days.", Axis(2)),
        ], Ct);

        var hits = await index.SearchKeywordAsync(new ChunkFilter("t", ["kb"]), "return policy days", 10, Ct);

        Assert.Equal(2, hits.Count);
        Assert.DoesNotContain(hits, h => h.Chunk.Text.Contains("thermostat", StringComparison.Ordinal));
        Assert.True(hits[0].Score >= hits[1].Score);
    }

    [Fact]
    public async Task A_document_filter_keeps_only_the_named_documents_in_both_signals()
    {
        var index = OpenTracked();
        var first = new DocumentRef("t", "kb", "first");
        var second = new DocumentRef("t", "kb", "second");
        await index.ReplaceDocumentAsync(first, [Chunk(first, 0, "warranty terms", Axis(0))], Ct);
        await index.ReplaceDocumentAsync(second, [Chunk(second, 0, "warranty claims", Axis(0, 0.1f))], Ct);

        var filter = new ChunkFilter("t", ["kb"]) { DocumentIds = ["second"] };

        Assert.Equal(["second"], (await index.SearchDenseAsync(filter, Axis(0), 10, Ct)).Select(h => h.Chunk.DocumentId));
        Assert.Equal(["second"], (await index.SearchKeywordAsync(filter, "warranty", 10, Ct)).Select(h => h.Chunk.DocumentId));
    }

    [Fact]
    public async Task A_count_applies_the_filters_document_tag_and_date_conditions_like_a_search()
    {
        var index = OpenTracked();
        var tagged = new DocumentRef("tenant-a", "kb", "tagged");
        var plain = new DocumentRef("tenant-a", "kb", "plain");
        await index.ReplaceDocumentAsync(tagged, [Tagged(Chunk(tagged, 0, "one", Axis(0))), Tagged(Chunk(tagged, 1, "two", Axis(1)))], Ct);
        await index.ReplaceDocumentAsync(plain, [Chunk(plain, 0, "three", Axis(2))], Ct);

        Assert.Equal(3, await index.CountAsync(new ChunkFilter("tenant-a", ["kb"]), Ct));
        Assert.Equal(1, await index.CountAsync(new ChunkFilter("tenant-a", ["kb"]) { DocumentIds = ["plain"] }, Ct));
        Assert.Equal(2, await index.CountAsync(new ChunkFilter("tenant-a", ["kb"]) { Tags = ["guideline"] }, Ct));
        Assert.Equal(0, await index.CountAsync(new ChunkFilter("tenant-a", ["kb"]) { Tags = ["guideline"], DocumentIds = ["plain"] }, Ct));
        Assert.Equal(2, await index.CountAsync(new ChunkFilter("tenant-a", ["kb"]) { EffectiveFrom = new DateOnly(2024, 1, 1) }, Ct));
        Assert.Equal(0, await index.CountAsync(new ChunkFilter("tenant-b", ["kb"]) { Tags = ["guideline"] }, Ct));
    }

    [Fact]
    public async Task Tags_documents_and_effective_dates_narrow_both_signals()
    {
        var index = OpenTracked();
        var old = new DocumentRef("t", "kb", "old");
        var current = new DocumentRef("t", "kb", "current");
        var untagged = new DocumentRef("t", "kb", "untagged");
        await index.ReplaceDocumentAsync(old, [With(Chunk(old, 0, "fever treatment guideline", Axis(0)), ["guideline", "archived"], new DateOnly(2019, 3, 1))], Ct);
        await index.ReplaceDocumentAsync(current, [With(Chunk(current, 0, "fever treatment guideline", Axis(0, 0.1f)), ["guideline"], new DateOnly(2024, 6, 1))], Ct);
        await index.ReplaceDocumentAsync(untagged, [Chunk(untagged, 0, "fever treatment notes", Axis(0, 0.2f))], Ct);

        async Task<string[]> Both(ChunkFilter filter)
        {
            var dense = (await index.SearchDenseAsync(filter, Axis(0), 10, Ct)).Select(h => h.Chunk.DocumentId).Order().ToArray();
            var keyword = (await index.SearchKeywordAsync(filter, "fever treatment", 10, Ct)).Select(h => h.Chunk.DocumentId).Order().ToArray();
            Assert.Equal(dense, keyword);
            return dense;
        }

        Assert.Equal(["current", "old", "untagged"], await Both(new ChunkFilter("t", ["kb"])));
        Assert.Equal(["current", "old"], await Both(new ChunkFilter("t", ["kb"]) { Tags = ["guideline"] }));
        Assert.Equal(["old"], await Both(new ChunkFilter("t", ["kb"]) { Tags = ["archived", "unknown"] }));
        Assert.Equal(["current"], await Both(new ChunkFilter("t", ["kb"]) { EffectiveFrom = new DateOnly(2020, 1, 1) }));
        Assert.Equal(["old"], await Both(new ChunkFilter("t", ["kb"]) { EffectiveTo = new DateOnly(2019, 3, 1) }));
        Assert.Equal(["untagged"], await Both(new ChunkFilter("t", ["kb"]) { DocumentIds = ["untagged"] }));
        Assert.Empty(await Both(new ChunkFilter("t", ["kb"]) { Tags = ["guideline"], DocumentIds = ["untagged"] }));
    }

    /// <summary>A chunk of a document tagged "guideline", in effect from 2024-05-01.</summary>
    internal static IndexedChunk Tagged(IndexedChunk chunk) =>
        chunk with { Payload = chunk.Payload with { Tags = ["guideline"], EffectiveDate = new DateOnly(2024, 5, 1) } };

    private static IndexedChunk With(IndexedChunk chunk, string[] tags, DateOnly? effective) =>
        chunk with { Payload = chunk.Payload with { Tags = tags, EffectiveDate = effective } };

    [Fact]
    public async Task Replacing_a_document_leaves_exactly_its_new_chunks()
    {
        var index = OpenTracked();
        var doc = new DocumentRef("t", "kb", "d");
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "old alpha", Axis(0)), Chunk(doc, 1, "old beta", Axis(1))], Ct);
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 5, "new gamma", Axis(2))], Ct);
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 5, "new gamma", Axis(2))], Ct);

        var filter = new ChunkFilter("t", ["kb"]);
        Assert.Equal(1, await index.CountAsync(filter, Ct));
        Assert.Empty(await index.SearchKeywordAsync(filter, "old", 10, Ct));
        var dense = await index.SearchDenseAsync(filter, Axis(0), 10, Ct);
        Assert.Equal(["new gamma"], dense.Select(h => h.Chunk.Text));
    }

    [Fact]
    public async Task Deleting_a_document_removes_it_from_both_signals()
    {
        var index = OpenTracked();
        var keep = new DocumentRef("t", "kb", "keep");
        var drop = new DocumentRef("t", "kb", "drop");
        await index.ReplaceDocumentAsync(keep, [Chunk(keep, 0, "kept warranty text", Axis(0))], Ct);
        await index.ReplaceDocumentAsync(drop, [Chunk(drop, 0, "dropped warranty text", Axis(0, 0.2f))], Ct);

        await index.DeleteDocumentAsync(drop, Ct);

        var filter = new ChunkFilter("t", ["kb"]);
        Assert.All(await index.SearchKeywordAsync(filter, "warranty", 10, Ct), h => Assert.Equal("keep", h.Chunk.DocumentId));
        Assert.All(await index.SearchDenseAsync(filter, Axis(0), 10, Ct), h => Assert.Equal("keep", h.Chunk.DocumentId));
        Assert.Equal(1, await index.CountAsync(filter, Ct));
    }

    [Fact]
    public async Task Deleting_a_knowledge_base_removes_only_its_chunks()
    {
        var index = OpenTracked();
        var gone = new DocumentRef("t", "kb-gone", "d1");
        var kept = new DocumentRef("t", "kb-kept", "d2");
        await index.ReplaceDocumentAsync(gone, [Chunk(gone, 0, "manual one", Axis(0))], Ct);
        await index.ReplaceDocumentAsync(kept, [Chunk(kept, 0, "manual two", Axis(1))], Ct);

        await index.DeleteKnowledgeBaseAsync("t", "kb-gone", Ct);

        Assert.Equal(0, await index.CountAsync(new ChunkFilter("t", ["kb-gone"]), Ct));
        Assert.Equal(1, await index.CountAsync(new ChunkFilter("t", ["kb-kept"]), Ct));
        Assert.Empty(await index.SearchKeywordAsync(new ChunkFilter("t", ["kb-gone"]), "manual", 10, Ct));
    }

    [Fact]
    public async Task Payloads_come_back_exactly_as_indexed()
    {
        var index = OpenTracked();
        var doc = new DocumentRef("t", "kb", "d");
        var chunk = new IndexedChunk(new ChunkPayload("d-7", "t", "kb", "d", "Dosing guide", "dosing.pdf", 7, "Paracetamol 1 g every 6 hours.", "Adults › Analgesics", 3, 12, ChunkKind.Table), Axis(4));
        await index.ReplaceDocumentAsync(doc, [chunk], Ct);

        var hit = Assert.Single(await index.SearchDenseAsync(new ChunkFilter("t", ["kb"]), Axis(4), 5, Ct));

        Assert.Equivalent(chunk.Payload, hit.Chunk, strict: true);
    }

    [Fact]
    public async Task The_index_survives_a_reopen()
    {
        var doc = new DocumentRef("t", "kb", "d");
        var first = OpenTracked();
        await first.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "persisted text", Axis(3))], Ct);
        Close(first);

        var reopened = OpenTracked();
        var hits = await reopened.SearchDenseAsync(new ChunkFilter("t", ["kb"]), Axis(3), 5, Ct);

        Assert.Equal("persisted text", Assert.Single(hits).Chunk.Text);
    }

    [Fact]
    public async Task Searches_during_a_new_version_see_the_old_chunks_or_the_new_ones_never_both_never_neither()
    {
        const int Editions = 25;
        var index = OpenTracked();
        var doc = new DocumentRef("t", "kb", "d");
        static IndexedChunk Version(DocumentRef doc, int version, int ordinal) =>
            new(new ChunkPayload($"d-v{version}-{ordinal}", doc.TenantId, doc.KnowledgeBaseId, doc.DocumentId, "Title", "file.md", ordinal,
                $"warranty clause {ordinal} of edition {version}", "", null, null, ChunkKind.Text) { DocumentVersion = version }, Axis(ordinal, 0.1f * version));
        static List<IndexedChunk> Edition(DocumentRef doc, int version) => [.. Enumerable.Range(0, version % 2 == 0 ? 4 : 3).Select(i => Version(doc, version, i))];
        await index.ReplaceDocumentAsync(doc, Edition(doc, 1), Ct);
        var filter = new ChunkFilter("t", ["kb"]);

        using var stop = new CancellationTokenSource();
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        async Task SearchAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var hits in new[] { await index.SearchDenseAsync(filter, Axis(0), 20, Ct), await index.SearchKeywordAsync(filter, "warranty clause", 20, Ct) })
                {
                    var versions = hits.Select(h => h.Chunk.DocumentVersion).Distinct().ToList();
                    seen.Enqueue(versions.Count == 1 && hits.Count == Edition(doc, versions[0]).Count ? "one edition, whole" : $"versions {string.Join(",", versions)} in {hits.Count} hits");
                }
                var count = await index.CountAsync(filter, Ct);
                seen.Enqueue(count is 3 or 4 ? "one edition, whole" : $"count {count}");
            }
        }
        var searches = Task.WhenAll(Task.Run(SearchAsync, Ct), Task.Run(SearchAsync, Ct));
        for (var version = 2; version <= Editions; version++) await index.ReplaceDocumentAsync(doc, Edition(doc, version), Ct);
        await Task.Delay(50, Ct);
        await stop.CancelAsync();
        await searches;

        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.Equal("one edition, whole", s));
        Assert.All(await index.SearchKeywordAsync(filter, "warranty clause", 20, Ct), h => Assert.Equal(Editions, h.Chunk.DocumentVersion));
    }

    [Fact]
    public async Task A_vector_of_the_wrong_dimension_is_refused()
    {
        var index = OpenTracked();
        var doc = new DocumentRef("t", "kb", "d");
        // A knowledge base's dimension is that of its embedding model: fixed by its first vectors.
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "x", Axis(0))], Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => index.ReplaceDocumentAsync(new DocumentRef("t", "kb", "e"), [Chunk(new DocumentRef("t", "kb", "e"), 0, "y", new float[3])], Ct));
    }

    [Fact]
    public async Task Keyword_search_ranks_as_the_shared_bm25()
    {
        var index = OpenTracked();
        for (var i = 0; i < Bm25ParityCorpus.Texts.Length; i++)
        {
            var chunk = Bm25ParityCorpus.Chunk(i, "parity", "kb_parity");
            await index.ReplaceDocumentAsync(new DocumentRef("parity", "kb_parity", chunk.Payload.DocumentId), [chunk], Ct);
        }
        foreach (var question in Bm25ParityCorpus.Questions)
        {
            var hits = await index.SearchKeywordAsync(new ChunkFilter("parity", ["kb_parity"]), question, 10, Ct);
            Bm25ParityTests.AssertSameRanking(Bm25ParityCorpus.Expected(question), hits.Select(h => (h.Chunk.ChunkId, h.Score)).ToList());
        }
    }
}

/// <summary>The contract on the embedded store (partitioned vectors + our BM25 index) in a temp folder.</summary>
public sealed class EmbeddedChunkIndexContractTests : ChunkIndexContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kp-index-" + Guid.NewGuid().ToString("N"));

    protected override IChunkIndex Open() => new EmbeddedChunkIndex(_folder);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>
/// The contract on a live Qdrant: KP_QDRANT_URL=http://localhost:6334 (gRPC) and optionally
/// KP_QDRANT_API_KEY. Each test uses its own collection and deletes it afterwards.
/// </summary>
public sealed class QdrantChunkIndexContractTests : ChunkIndexContractTests
{
    private static readonly string? Url = Environment.GetEnvironmentVariable("KP_QDRANT_URL");
    private readonly QdrantOptions _options = new()
    {
        Url = Url ?? "http://localhost:6334",
        ApiKey = Environment.GetEnvironmentVariable("KP_QDRANT_API_KEY"),
        CollectionPrefix = "kptest" + Guid.NewGuid().ToString("N")[..8],
        Bm25AverageLength = Bm25ParityCorpus.AverageLength,
    };
    private readonly InMemoryLiveGenerations _generations = new();
    private QdrantClient? _client;

    public override ValueTask InitializeAsync()
    {
        Assert.SkipWhen(string.IsNullOrWhiteSpace(Url), "skipped: no Qdrant (set KP_QDRANT_URL to a Qdrant gRPC endpoint, e.g. http://localhost:6334, to run the contract against it)");
        _client = new QdrantClient(new Uri(_options.Url), _options.ApiKey, _options.Timeout);
        return ValueTask.CompletedTask;
    }

    protected override IChunkIndex Open() =>
        new QdrantChunkIndex(_client!, new QdrantSchema(new EmbeddingModelCard("contract-test", Dimension, 512, ""), _options), _options, _generations, NullLogger<QdrantChunkIndex>.Instance);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_client is null) return;
        var collection = QdrantSchema.CollectionName(_options.CollectionPrefix, "contract-test", Dimension);
        if (await _client.CollectionExistsAsync(collection)) await _client.DeleteCollectionAsync(collection);
        _client.Dispose();
    }
}
