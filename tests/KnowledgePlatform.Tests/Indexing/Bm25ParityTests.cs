using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Core.Text;
using KnowledgePlatform.Infrastructure.Indexing;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>
/// One BM25 in every backend (decision 0121): the embedded index, the Qdrant sparse encoding scored as Qdrant scores it
/// (dot product with its IDF modifier), and the in-memory scorer of the fusion calibration give the same top ten with the
/// same scores. Qdrant itself is checked by the contract suite when KP_QDRANT_URL is set.
/// </summary>
public sealed class Bm25ParityTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kp-parity-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Questions => [.. Bm25ParityCorpus.Questions];

    [Theory]
    [MemberData(nameof(Questions))]
    public async Task The_embedded_index_ranks_as_the_shared_scorer(string question)
    {
        using var index = new EmbeddedChunkIndex(_folder);
        for (var i = 0; i < Bm25ParityCorpus.Texts.Length; i++)
        {
            var chunk = Bm25ParityCorpus.Chunk(i, "acme", "kb");
            await index.ReplaceDocumentAsync(new DocumentRef("acme", "kb", chunk.Payload.DocumentId), [chunk], TestContext.Current.CancellationToken);
        }

        var hits = await index.SearchKeywordAsync(new ChunkFilter("acme", ["kb"]), question, 10, TestContext.Current.CancellationToken);

        AssertSameRanking(Bm25ParityCorpus.Expected(question), hits.Select(h => (h.Chunk.ChunkId, h.Score)).ToList());
    }

    [Theory]
    [MemberData(nameof(Questions))]
    public void The_qdrant_sparse_encoding_scores_as_the_shared_scorer(string question)
    {
        var average = Bm25ParityCorpus.AverageLength;
        var documents = Bm25ParityCorpus.Searchable.Select(t => Bm25SparseVector.Document(t, average)).ToList();
        var query = Bm25SparseVector.Query(question);
        // Qdrant's IDF modifier: ln(1 + (N − df + 0.5)/(df + 0.5)) over the points holding the index.
        var scored = documents.Select((d, i) => ($"doc{i:D2}-0", Score: query.Indices.Zip(query.Values).Sum(q =>
        {
            var at = Array.IndexOf(d.Indices, q.First);
            var df = documents.Count(o => o.Indices.Contains(q.First));
            return at < 0 ? 0 : q.Second * d.Values[at] * Bm25Parameters.Idf(documents.Count, df);
        }))).Where(s => s.Score > 0).OrderByDescending(s => s.Score).ThenBy(s => s.Item1, StringComparer.Ordinal).Take(10).ToList();

        AssertSameRanking(Bm25ParityCorpus.Expected(question), scored);
    }

    [Fact]
    public void The_shared_scorer_ranks_the_answering_chunk_first()
    {
        Assert.Equal("doc00-0", Bm25ParityCorpus.Expected("What is the paracetamol dose for adults?")[0].ChunkId);
        Assert.Equal("doc08-0", Bm25ParityCorpus.Expected("how do I reset my router")[0].ChunkId);
    }

    /// <summary>The same chunks with the same scores (float precision), in the same order apart from exact ties.</summary>
    internal static void AssertSameRanking(IReadOnlyList<(string ChunkId, double Score)> expected, IReadOnlyList<(string ChunkId, double Score)> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Select(e => e.ChunkId).Order(), actual.Select(a => a.ChunkId).Order());
        var byId = actual.ToDictionary(a => a.ChunkId, a => a.Score);
        foreach (var (id, score) in expected) Assert.Equal(score, byId[id], 4);
        for (var i = 1; i < actual.Count; i++) Assert.True(actual[i].Score <= actual[i - 1].Score + 1e-9);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
