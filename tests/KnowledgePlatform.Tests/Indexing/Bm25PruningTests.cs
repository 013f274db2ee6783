using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>BM25 with MaxScore pruning (decision 130) returns the same best chunks, with the same scores, as scoring every posting.</summary>
public sealed class Bm25PruningTests : IDisposable
{
    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kp-bm25-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_best_chunks_found_with_pruning_are_those_of_scoring_every_posting()
    {
        // Zipf-like words: a few in nearly every chunk (the stop words of a question), many rare.
        string[] common = ["the", "of", "what", "is", "a", "to"];
        var random = new Random(11);
        string Word() => random.NextDouble() < 0.5 ? common[random.Next(common.Length)] : $"term{(int)Math.Pow(random.Next(1, 400), 1.6)}";
        using var index = new EmbeddedChunkIndex(_folder);
        IndexedChunk[] Chunks(DocumentRef doc) => [.. Enumerable.Range(0, 10).Select(o => new IndexedChunk(
            new ChunkPayload($"{doc.DocumentId}-{o}", "t", "kb", doc.DocumentId, "", "f.md", o,
                string.Join(" ", Enumerable.Range(0, random.Next(5, 40)).Select(_ => Word())), "", null, null, ChunkKind.Text),
            new float[] { 1, o, random.Next(100) }))];
        var documents = Enumerable.Range(0, 60).Select(d => new DocumentRef("t", "kb", $"doc-{d}")).ToList();
        await index.AddChunksAsync([.. documents.SelectMany(Chunks)], _ct);
        // The reference scores every posting and counts document frequencies from the postings themselves (a search
        // with access groups does: every chunk here is ungrouped, so it sees the same chunks).
        var pruned = new ChunkFilter("t", ["kb"]);
        var reference = new ChunkFilter("t", ["kb"]) { Groups = [] };

        for (var round = 0; round < 3; round++)
        {
            for (var q = 0; q < 15; q++)
            {
                var query = string.Join(" ", Enumerable.Range(0, random.Next(2, 7)).Select(_ => Word()));
                foreach (var top in new[] { 1, 5, 40 })
                {
                    var expected = (await index.SearchKeywordAsync(reference, query, top, _ct)).Select(h => (h.Chunk.ChunkId, Math.Round(h.Score, 9))).ToList();
                    var actual = (await index.SearchKeywordAsync(pruned, query, top, _ct)).Select(h => (h.Chunk.ChunkId, Math.Round(h.Score, 9))).ToList();
                    Assert.NotEmpty(expected);
                    Assert.Equal(expected, actual);
                }
            }
            // New versions of some documents and deletions of others move the document frequencies.
            foreach (var doc in documents.Skip(round * 10).Take(5)) await index.ReplaceDocumentAsync(doc, Chunks(doc), _ct);
            foreach (var doc in documents.Skip(round * 10 + 5).Take(3)) await index.DeleteDocumentAsync(doc, _ct);
        }
    }
}
