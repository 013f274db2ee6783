using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>The embedded index's bulk path (<see cref="EmbeddedChunkIndex.AddChunksAsync"/>) against adding document by document.</summary>
public sealed class EmbeddedChunkIndexBulkTests : IDisposable
{
    private readonly string _bulkFolder = Path.Combine(Path.GetTempPath(), "kp-index-" + Guid.NewGuid().ToString("N"));
    private readonly string _oneByOneFolder = Path.Combine(Path.GetTempPath(), "kp-index-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var folder in new[] { _bulkFolder, _oneByOneFolder })
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private static readonly string[] Words = ["router", "firmware", "battery", "warranty", "reset", "the", "of", "charge", "cable", "light"];

    /// <summary>Documents of three chunks each, in two knowledge bases of one tenant, with varied words and vectors.</summary>
    private static List<(DocumentRef Document, List<IndexedChunk> Chunks)> Documents(int count) => [.. Enumerable.Range(0, count).Select(d =>
    {
        var document = new DocumentRef("t", d % 2 == 0 ? "kb-a" : "kb-b", $"doc-{d}");
        var chunks = Enumerable.Range(0, 3).Select(o =>
        {
            var text = string.Join(" ", Enumerable.Range(0, 4 + (d + o) % 5).Select(w => Words[(d * 7 + o * 3 + w * w) % Words.Length]));
            var vector = Enumerable.Range(0, 8).Select(i => (float)Math.Cos(d + o * 0.3 + i)).ToArray();
            return new IndexedChunk(new ChunkPayload($"{document.DocumentId}-{o}", "t", document.KnowledgeBaseId, document.DocumentId, $"Doc {d}", "f.md", o, text, "", null, null, ChunkKind.Text), vector);
        }).ToList();
        return (document, chunks);
    })];

    [Fact]
    public async Task Vectors_added_in_bulk_are_each_found_as_their_own_nearest()
    {
        var random = new Random(11);
        var chunks = Enumerable.Range(0, 6_000).Select(i =>
        {
            var vector = Enumerable.Range(0, 32).Select(_ => random.NextSingle() - 0.5f).ToArray();
            return new IndexedChunk(new ChunkPayload($"c-{i}", "t", "kb", $"doc-{i / 10}", "Doc", "f.md", i % 10, "text", "", null, null, ChunkKind.Text), vector);
        }).ToList();
        using var index = new EmbeddedChunkIndex(_bulkFolder);

        // Two imports: the second into an index that already holds vectors.
        await index.AddChunksAsync(chunks[..2_000], _ct);
        await index.AddChunksAsync(chunks[2_000..], _ct);

        var filter = new ChunkFilter("t", ["kb"]);
        Assert.Equal(chunks.Count, await index.CountAsync(filter, _ct));
        var sample = chunks.Where((_, i) => i % 10 == 3).ToList();
        var found = 0;
        foreach (var chunk in sample)
            if ((await index.SearchDenseAsync(filter, chunk.Vector, 1, _ct)).Single().Chunk.ChunkId == chunk.Payload.ChunkId) found++;
        Assert.True(found >= sample.Count * 0.99, $"{found} of {sample.Count} vectors found themselves");
    }

    [Fact]
    public async Task Chunks_added_in_bulk_are_found_and_scored_exactly_as_chunks_added_document_by_document()
    {
        var documents = Documents(20);
        using var bulk = new EmbeddedChunkIndex(_bulkFolder);
        using var oneByOne = new EmbeddedChunkIndex(_oneByOneFolder);
        await bulk.AddChunksAsync([.. documents.SelectMany(d => d.Chunks)], _ct);
        foreach (var (document, chunks) in documents) await oneByOne.ReplaceDocumentAsync(document, chunks, _ct);

        foreach (var filter in new[] { new ChunkFilter("t", ["kb-a"]), new ChunkFilter("t", ["kb-a", "kb-b"]) })
        {
            foreach (var query in new[] { "router firmware", "the battery of the cable", "warranty" })
            {
                var expected = await oneByOne.SearchKeywordAsync(filter, query, 100, _ct);
                var actual = await bulk.SearchKeywordAsync(filter, query, 100, _ct);
                Assert.NotEmpty(expected);
                Assert.Equal(expected.Select(h => (h.Chunk.ChunkId, Math.Round(h.Score, 9))), actual.Select(h => (h.Chunk.ChunkId, Math.Round(h.Score, 9))));
            }
            var vector = documents[5].Chunks[1].Vector;
            Assert.Equal((await oneByOne.SearchDenseAsync(filter, vector, 10, _ct)).Select(h => h.Chunk.ChunkId),
                (await bulk.SearchDenseAsync(filter, vector, 10, _ct)).Select(h => h.Chunk.ChunkId));
            Assert.Equal(await oneByOne.CountAsync(filter, _ct), await bulk.CountAsync(filter, _ct));
        }

        // A document added in bulk is replaced like any other: its old terms and vectors are gone.
        var (replaced, _) = documents[0];
        await bulk.ReplaceDocumentAsync(replaced, [], _ct);
        await oneByOne.ReplaceDocumentAsync(replaced, [], _ct);
        var filterA = new ChunkFilter("t", ["kb-a"]);
        Assert.Equal((await oneByOne.SearchKeywordAsync(filterA, "router", 100, _ct)).Select(h => (h.Chunk.ChunkId, Math.Round(h.Score, 9))),
            (await bulk.SearchKeywordAsync(filterA, "router", 100, _ct)).Select(h => (h.Chunk.ChunkId, Math.Round(h.Score, 9))));
        Assert.DoesNotContain(await bulk.SearchDenseAsync(filterA, documents[0].Chunks[0].Vector, 50, _ct), h => h.Chunk.DocumentId == replaced.DocumentId);
    }

    [Fact]
    public async Task A_bulk_list_with_a_chunk_the_index_already_holds_writes_nothing()
    {
        var documents = Documents(4);
        using var index = new EmbeddedChunkIndex(_bulkFolder);
        await index.AddChunksAsync(documents[0].Chunks, _ct);

        await Assert.ThrowsAnyAsync<Exception>(() => index.AddChunksAsync([.. documents[2].Chunks, documents[0].Chunks[1]], _ct));

        var filter = new ChunkFilter("t", ["kb-a"]);
        Assert.Equal(3, await index.CountAsync(filter, _ct));
        Assert.DoesNotContain(await index.SearchDenseAsync(filter, documents[2].Chunks[0].Vector, 10, _ct), h => h.Chunk.DocumentId == "doc-2");
        Assert.DoesNotContain(await index.SearchKeywordAsync(filter, string.Join(" ", Words), 100, _ct), h => h.Chunk.DocumentId == "doc-2");
    }
}
