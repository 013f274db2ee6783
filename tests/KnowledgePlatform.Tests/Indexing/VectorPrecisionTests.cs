using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>How the embedded index stores vectors (Storage:VectorPrecision).</summary>
public sealed class VectorPrecisionTests : IDisposable
{
    private const int Dimension = 64;
    private const int Chunks = 400;
    private readonly string _root = Directory.CreateTempSubdirectory("kp-precision-").FullName;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Half_precision_halves_the_vectors_in_the_file_and_still_finds_every_chunk_by_its_own_vector()
    {
        var vectors = RandomUnitVectors(Chunks, seed: 7);
        var sizes = new Dictionary<VectorPrecision, long>();
        foreach (var precision in Enum.GetValues<VectorPrecision>())
        {
            var folder = Path.Combine(_root, precision.ToString());
            using (var index = new EmbeddedChunkIndex(folder, precision: precision))
            {
                var doc = new DocumentRef("tenant", "kb", "doc");
                await index.AddChunksAsync([.. vectors.Select((v, i) => Chunk(doc, i, v))], _ct);
                index.Flush();
                var filter = new ChunkFilter("tenant", ["kb"]);
                var found = 0;
                for (var i = 0; i < Chunks; i++)
                    if ((await index.SearchDenseAsync(filter, vectors[i], 1, _ct)).Single().Chunk.Ordinal == i) found++;
                Assert.True(found >= Chunks * 0.99, $"{precision}: {found} of {Chunks} chunks came first for their own vector");
            }
            sizes[precision] = Directory.EnumerateFiles(Path.Combine(folder, "vectors")).Sum(f => new FileInfo(f).Length);
        }

        // The vectors themselves: 2 bytes a dimension fewer per chunk; keys and partitions are the same.
        Assert.InRange(sizes[VectorPrecision.Float32] - sizes[VectorPrecision.Float16], Chunks * Dimension * 2 * 0.9, Chunks * Dimension * 2 * 1.1);
    }

    [Fact]
    public async Task An_index_created_in_full_precision_keeps_it_when_opened_with_half_precision_configured()
    {
        var vectors = RandomUnitVectors(Chunks, seed: 11);
        var doc = new DocumentRef("tenant", "kb", "doc");
        var folder = Path.Combine(_root, "reopened");
        using (var index = new EmbeddedChunkIndex(folder, precision: VectorPrecision.Float32))
        {
            await index.AddChunksAsync([.. vectors.Take(Chunks / 2).Select((v, i) => Chunk(doc, i, v))], _ct);
            index.Flush();
        }
        using (var index = new EmbeddedChunkIndex(folder))
        {
            await index.AddChunksAsync([.. vectors.Skip(Chunks / 2).Select((v, i) => Chunk(doc, Chunks / 2 + i, v))], _ct);
            index.Flush();
        }

        // The same chunks in one go, in each precision: the reopened index is the four-byte one.
        var float32 = await BuiltAsync(VectorPrecision.Float32, vectors);
        var float16 = await BuiltAsync(VectorPrecision.Float16, vectors);
        Assert.InRange(VectorFileSize(folder), float32 * 0.95, float32 * 1.05);
        Assert.True(float32 - float16 > Chunks * Dimension, $"f16 {float16} B, f32 {float32} B");
    }

    private async Task<long> BuiltAsync(VectorPrecision precision, float[][] vectors)
    {
        var folder = Path.Combine(_root, "reference-" + precision);
        var doc = new DocumentRef("tenant", "kb", "doc");
        using (var index = new EmbeddedChunkIndex(folder, precision: precision))
        {
            await index.AddChunksAsync([.. vectors.Select((v, i) => Chunk(doc, i, v))], _ct);
            index.Flush();
        }
        return VectorFileSize(folder);
    }

    private static long VectorFileSize(string folder) => Directory.EnumerateFiles(Path.Combine(folder, "vectors")).Sum(f => new FileInfo(f).Length);

    private static IndexedChunk Chunk(DocumentRef doc, int ordinal, float[] vector) =>
        new(new ChunkPayload($"{doc.DocumentId}-{ordinal}", doc.TenantId, doc.KnowledgeBaseId, doc.DocumentId, "Title", "file.md", ordinal, $"chunk {ordinal}", "", null, null, ChunkKind.Text), vector);

    private static float[][] RandomUnitVectors(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var v = Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        })];
    }
}
