using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>Document replacements from many jobs at once: each document ends with its new chunks only, in both signals.</summary>
public sealed class EmbeddedChunkIndexReplacementTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kp-index-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IndexedChunk Chunk(DocumentRef doc, int ordinal, string text, float[] vector) =>
        new(new ChunkPayload($"{doc.DocumentId}-{ordinal}", doc.TenantId, doc.KnowledgeBaseId, doc.DocumentId, "Title", "file.md", ordinal, text, "", null, null, ChunkKind.Text), vector);

    private static float[] Vector(int seed, int dimension = 8)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, dimension).Select(_ => (float)random.NextDouble() - 0.5f)];
    }

    /// <summary>A word of letters only (the analyser splits letters from digits) that names the document.</summary>
    private static string Word(int i) => $"zq{(char)('a' + i / 26)}{(char)('a' + i % 26)}";

    [Fact]
    public async Task Replacements_from_many_jobs_at_once_leave_each_document_with_only_its_new_chunks()
    {
        using var index = new EmbeddedChunkIndex(_folder);
        var documents = Enumerable.Range(0, 64).Select(i => new DocumentRef(i % 2 == 0 ? "tenant-a" : "tenant-b", $"kb{i % 3}", $"doc{i}")).ToList();
        await Task.WhenAll(documents.Select((d, i) => index.ReplaceDocumentAsync(d, [Chunk(d, 0, $"old wording {Word(i)}", Vector(i))], _ct)));
        await Task.WhenAll(documents.Select((d, i) => Task.Run(() => index.ReplaceDocumentAsync(d,
            [Chunk(d, 0, $"first part {Word(i)}x of the new text", Vector(1_000 + i)), Chunk(d, 1, $"second part {Word(i)}y of it", Vector(2_000 + i))], _ct), _ct)));

        for (var i = 0; i < documents.Count; i++)
        {
            var filter = new ChunkFilter(documents[i].TenantId, [documents[i].KnowledgeBaseId]);
            Assert.Empty(await index.SearchKeywordAsync(filter, $"wording {Word(i)}", 10, _ct));
            Assert.Equal([$"doc{i}-1"], (await index.SearchKeywordAsync(filter, $"{Word(i)}y", 10, _ct)).Select(h => h.Chunk.ChunkId));
            Assert.Equal($"doc{i}-0", (await index.SearchDenseAsync(filter, Vector(1_000 + i), 1, _ct)).Single().Chunk.ChunkId);
            Assert.Equal(2, (await index.GetDocumentChunksAsync(filter, documents[i].DocumentId, 0, 10, _ct)).Count);
        }
    }
}
