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

    private static IndexedChunk Chunk(DocumentRef doc, int ordinal, string text, float[] vector) =>
        new(new ChunkPayload($"{doc.DocumentId}-{ordinal}", doc.TenantId, doc.KnowledgeBaseId, doc.DocumentId, "Title", "file.md", ordinal, text, "", null, null, ChunkKind.Text), vector);

    [Fact]
    public async Task A_query_never_returns_another_tenants_chunks_even_with_their_knowledge_base_id()
    {
        using var index = new EmbeddedChunkIndex(_folder, Dimension);
        var mine = new DocumentRef("tenant-a", "kb-a", "doc-a");
        var theirs = new DocumentRef("tenant-b", "kb-b", "doc-b");
        await index.ReplaceDocumentAsync(mine, [Chunk(mine, 0, "warranty for the vacuum", Axis(0))], _ct);
        await index.ReplaceDocumentAsync(theirs, [Chunk(theirs, 0, "warranty for the secret product", Axis(0, 0.1f))], _ct);

        // Tenant A names tenant B's knowledge base: nothing comes back from either signal.
        var crossFilter = new ChunkFilter("tenant-a", ["kb-a", "kb-b"]);
        var dense = await index.SearchDenseAsync(crossFilter, Axis(0), 10, _ct);
        var keyword = await index.SearchKeywordAsync(crossFilter, "warranty secret", 10, _ct);

        Assert.All(dense.Concat(keyword), h => Assert.Equal("tenant-a", h.Chunk.TenantId));
        Assert.Single(dense);
        Assert.Single(keyword);
        Assert.Equal(0, await index.CountAsync(new ChunkFilter("tenant-a", ["kb-b"]), _ct));
    }

    [Fact]
    public async Task Dense_search_ranks_by_cosine_similarity()
    {
        using var index = new EmbeddedChunkIndex(_folder, Dimension);
        var doc = new DocumentRef("t", "kb", "d");
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "zero", Axis(0)), Chunk(doc, 1, "one", Axis(1)), Chunk(doc, 2, "near zero", Axis(0, 0.5f))], _ct);

        var hits = await index.SearchDenseAsync(new ChunkFilter("t", ["kb"]), Axis(0), 3, _ct);

        Assert.Equal(["zero", "near zero", "one"], hits.Select(h => h.Chunk.Text));
        Assert.Equal(1.0, hits[0].Score, 4);
        Assert.Equal(0.0, hits[2].Score, 4);
    }

    [Fact]
    public async Task Keyword_search_ranks_by_bm25_and_stems_words()
    {
        using var index = new EmbeddedChunkIndex(_folder, Dimension);
        var doc = new DocumentRef("t", "kb", "d");
        await index.ReplaceDocumentAsync(doc, [
            Chunk(doc, 0, "Returns are accepted within 30 days of delivery.", Axis(0)),
            Chunk(doc, 1, "The thermostat supports two heating zones.", Axis(1)),
            Chunk(doc, 2, "Returning an item: pack it, print the label, return it within 30 days.", Axis(2)),
        ], _ct);

        var hits = await index.SearchKeywordAsync(new ChunkFilter("t", ["kb"]), "return policy days", 10, _ct);

        Assert.Equal(2, hits.Count);
        Assert.DoesNotContain(hits, h => h.Chunk.Text.Contains("thermostat", StringComparison.Ordinal));
        Assert.True(hits[0].Score >= hits[1].Score);
    }

    [Fact]
    public async Task Replacing_a_document_leaves_exactly_its_new_chunks()
    {
        using var index = new EmbeddedChunkIndex(_folder, Dimension);
        var doc = new DocumentRef("t", "kb", "d");
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "old alpha", Axis(0)), Chunk(doc, 1, "old beta", Axis(1))], _ct);
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 5, "new gamma", Axis(2))], _ct);
        await index.ReplaceDocumentAsync(doc, [Chunk(doc, 5, "new gamma", Axis(2))], _ct);

        var filter = new ChunkFilter("t", ["kb"]);
        Assert.Equal(1, await index.CountAsync(filter, _ct));
        Assert.Empty(await index.SearchKeywordAsync(filter, "old", 10, _ct));
        var dense = await index.SearchDenseAsync(filter, Axis(0), 10, _ct);
        Assert.Equal(["new gamma"], dense.Select(h => h.Chunk.Text));
    }

    [Fact]
    public async Task Deleting_a_document_removes_it_from_both_signals()
    {
        using var index = new EmbeddedChunkIndex(_folder, Dimension);
        var keep = new DocumentRef("t", "kb", "keep");
        var drop = new DocumentRef("t", "kb", "drop");
        await index.ReplaceDocumentAsync(keep, [Chunk(keep, 0, "kept warranty text", Axis(0))], _ct);
        await index.ReplaceDocumentAsync(drop, [Chunk(drop, 0, "dropped warranty text", Axis(0, 0.2f))], _ct);

        await index.DeleteDocumentAsync(drop, _ct);

        var filter = new ChunkFilter("t", ["kb"]);
        Assert.All(await index.SearchKeywordAsync(filter, "warranty", 10, _ct), h => Assert.Equal("keep", h.Chunk.DocumentId));
        Assert.All(await index.SearchDenseAsync(filter, Axis(0), 10, _ct), h => Assert.Equal("keep", h.Chunk.DocumentId));
    }

    [Fact]
    public async Task The_index_survives_a_reopen()
    {
        var doc = new DocumentRef("t", "kb", "d");
        using (var index = new EmbeddedChunkIndex(_folder, Dimension))
            await index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "persisted text", Axis(3))], _ct);

        using var reopened = new EmbeddedChunkIndex(_folder, Dimension);
        var hits = await reopened.SearchDenseAsync(new ChunkFilter("t", ["kb"]), Axis(3), 5, _ct);

        Assert.Equal("persisted text", Assert.Single(hits).Chunk.Text);
    }

    [Fact]
    public async Task A_vector_of_the_wrong_dimension_is_refused()
    {
        using var index = new EmbeddedChunkIndex(_folder, Dimension);
        var doc = new DocumentRef("t", "kb", "d");

        await Assert.ThrowsAsync<ArgumentException>(() => index.ReplaceDocumentAsync(doc, [Chunk(doc, 0, "x", new float[3])], _ct));
    }
}
