using System.Numerics.Tensors;
using KnowledgePlatform.Infrastructure.Indexing;
using Xunit;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>One knowledge base's partitioned vector index (decision 0169).</summary>
public sealed class VectorIndexTests : IDisposable
{
    private const int Dimension = 32;
    private readonly string _root = Directory.CreateTempSubdirectory("kp-vectors-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_small_index_is_one_partition_and_returns_exactly_the_most_similar_vectors()
    {
        var vectors = ClusteredVectors(2_000, seed: 1);
        using var index = Filled(vectors, VectorPrecision.Float32);

        Assert.Equal(1, index.Partitions);
        foreach (var query in ClusteredVectors(50, seed: 2))
            Assert.Equal(Exact(vectors, query, 10), index.Search(query, 10).Select(h => h.Key));
    }

    [Fact]
    public void A_knowledge_base_of_a_few_chunks_costs_kilobytes_not_a_page_of_sixteen_thousand_vectors()
    {
        var vectors = ClusteredVectors(10, seed: 10);
        var before = GC.GetAllocatedBytesForCurrentThread();
        using var index = new VectorIndex(Path.Combine(_root, "small.vectors"), 384, VectorPrecision.Float16);
        index.Add(vectors.Select((v, i) => ((ulong)i, (ReadOnlyMemory<float>)v.Concat(new float[384 - Dimension]).ToArray())));

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 256 * 1024);
    }

    [Fact]
    public void A_large_index_is_cut_into_partitions_and_still_finds_nearly_all_of_the_exact_top_ten()
    {
        var vectors = ClusteredVectors(VectorPartitioning.SearchedWhole + 5_000, seed: 3);
        using var index = Filled(vectors);

        Assert.Equal(VectorPartitioning.PartitionsFor(vectors.Length), index.Partitions);
        var queries = ClusteredVectors(100, seed: 4);
        Assert.True(Recall(index, vectors, queries, probes: null) >= 0.97);
        // Sweeping one partition finds far less: the partitions are what the search is limited to.
        Assert.True(Recall(index, vectors, queries, probes: 1) < 0.8);
    }

    [Fact]
    public void An_index_that_doubles_is_cut_again_into_more_partitions()
    {
        var vectors = ClusteredVectors(2 * VectorPartitioning.SearchedWhole, seed: 5);
        using var index = new VectorIndex(Path.Combine(_root, "kb.vectors"), Dimension, VectorPrecision.Float16);
        index.Add(vectors.Take(VectorPartitioning.SearchedWhole).Select((v, i) => ((ulong)i, (ReadOnlyMemory<float>)v)));
        var first = index.Partitions;
        index.Add(vectors.Skip(VectorPartitioning.SearchedWhole).Select((v, i) => ((ulong)(VectorPartitioning.SearchedWhole + i), (ReadOnlyMemory<float>)v)));

        Assert.Equal(VectorPartitioning.PartitionsFor(VectorPartitioning.SearchedWhole), first);
        Assert.Equal(VectorPartitioning.PartitionsFor(vectors.Length), index.Partitions);
        Assert.True(index.Partitions > first);
    }

    [Fact]
    public async Task Searches_beside_changes_that_cut_the_index_again_and_again_always_get_sorted_hits_it_holds()
    {
        var vectors = ClusteredVectors(4 * VectorPartitioning.SearchedWhole, seed: 13);
        using var index = new VectorIndex(Path.Combine(_root, "busy.vectors"), Dimension, VectorPrecision.Float16);
        var added = 0;
        var adding = Task.Run(() =>
        {
            for (var start = 0; start < vectors.Length; start += 2_500)
            {
                index.Add(vectors.Skip(start).Take(2_500).Select((v, i) => ((ulong)(start + i), (ReadOnlyMemory<float>)v)));
                Volatile.Write(ref added, start + 2_500);
            }
        }, TestContext.Current.CancellationToken);
        var searches = 0;
        while (!adding.IsCompleted || searches == 0)
        {
            var hits = index.Search(vectors[searches % vectors.Length], 10);
            // A batch is counted only after it (and any cut it caused) is done, and the next starts after that.
            var known = Volatile.Read(ref added);
            Assert.Equal(hits.OrderByDescending(h => h.Similarity), hits);
            Assert.All(hits, h => Assert.True(h.Key < (ulong)(known + 2_500), $"key {h.Key} seen with {known} added"));
            searches++;
        }
        await adding;

        Assert.True(index.Partitions > VectorPartitioning.PartitionsFor(VectorPartitioning.SearchedWhole));
        Assert.Equal(0UL, index.Search(vectors[0], 1).Single().Key);
    }

    [Fact]
    public void A_removed_vector_is_never_returned_and_a_replaced_one_is_found_by_its_new_vector()
    {
        var vectors = ClusteredVectors(VectorPartitioning.SearchedWhole + 1_000, seed: 6);
        using var index = Filled(vectors);
        var replacement = ClusteredVectors(1, seed: 7)[0];

        index.Remove([5UL, 6UL]);
        index.Add([(7UL, replacement), (8UL, vectors[9]), (8UL, replacement)]);

        Assert.Equal(vectors.Length - 2, index.Count);
        Assert.DoesNotContain(index.Search(vectors[5], 10), h => h.Key is 5 or 6);
        Assert.Equal([7UL, 8UL], index.Search(replacement, 2).Select(h => h.Key).Order());
        Assert.Equal(9UL, index.Search(vectors[9], 1).Single().Key);
        Assert.Equal(1f, index.Search(vectors[100], 1).Single().Similarity, 0.01f);
    }

    [Fact]
    public void A_saved_index_opens_with_the_same_partitions_and_answers()
    {
        var vectors = ClusteredVectors(VectorPartitioning.SearchedWhole + 2_000, seed: 8);
        var path = Path.Combine(_root, "saved.vectors");
        var queries = ClusteredVectors(20, seed: 9);
        List<ulong[]> before;
        int partitions;
        using (var index = new VectorIndex(path, Dimension, VectorPrecision.Float32))
        {
            index.Add(vectors.Select((v, i) => ((ulong)i, (ReadOnlyMemory<float>)v)));
            index.Remove([3UL]);
            before = [.. queries.Select(q => index.Search(q, 10).Select(h => h.Key).ToArray())];
            partitions = index.Partitions;
            index.SaveIfDirty();
        }

        using var reopened = new VectorIndex(path, 0, VectorPrecision.Float16);
        Assert.Equal(vectors.Length - 1, reopened.Count);
        Assert.Equal(partitions, reopened.Partitions);
        Assert.Equal(before, queries.Select(q => reopened.Search(q, 10).Select(h => h.Key).ToArray()));
    }

    [Fact]
    public void A_disposed_index_is_never_saved_again()
    {
        var path = Path.Combine(_root, "dropped.vectors");
        var index = new VectorIndex(path, Dimension, VectorPrecision.Float16);
        index.Add(ClusteredVectors(10, seed: 11).Select((v, i) => ((ulong)i, (ReadOnlyMemory<float>)v)));

        index.Dispose();
        index.SaveIfDirty();

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_file_that_is_not_a_vector_index_is_refused_with_what_to_do()
    {
        var path = Path.Combine(_root, "other.vectors");
        File.WriteAllBytes(path, new byte[100]);

        var error = Assert.Throws<InvalidDataException>(() => new VectorIndex(path, Dimension, VectorPrecision.Float16));
        Assert.Contains("rebuilt from the metadata database", error.Message);
    }

    [Fact]
    public void A_cut_short_index_file_is_refused_with_what_to_do()
    {
        var path = Path.Combine(_root, "torn.vectors");
        using (var index = new VectorIndex(path, Dimension, VectorPrecision.Float16))
        {
            index.Add(ClusteredVectors(100, seed: 12).Select((v, i) => ((ulong)i, (ReadOnlyMemory<float>)v)));
            index.SaveIfDirty();
        }
        using (var file = File.OpenWrite(path)) file.SetLength(file.Length - 10);

        var error = Assert.Throws<InvalidDataException>(() => new VectorIndex(path, Dimension, VectorPrecision.Float16));
        Assert.Contains("rebuilt from the metadata database", error.Message);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(VectorPartitioning.SearchedWhole - 1, 1)]
    [InlineData(100_000, 316)]
    [InlineData(1_000_000, 1_000)]
    [InlineData(100_000_000, 4_096)]
    public void Partitions_grow_with_the_square_root_of_the_vectors(long vectors, int partitions) =>
        Assert.Equal(partitions, VectorPartitioning.PartitionsFor(vectors));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(316, 128)]
    [InlineData(1_000, 128)]
    [InlineData(4_096, 512)]
    public void A_search_sweeps_at_least_128_partitions_and_an_eighth_of_many(int partitions, int probes) =>
        Assert.Equal(probes, VectorPartitioning.ProbesFor(partitions));

    [Theory]
    [InlineData(384)]
    [InlineData(37)]
    public void The_code_dot_product_is_the_exact_integer_one(int dimension)
    {
        var random = new Random(dimension);
        var code = Enumerable.Range(0, dimension).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var query = Enumerable.Range(0, dimension).Select(_ => (short)random.Next(-16_000, 16_001)).ToArray();

        Assert.Equal(code.Zip(query, (c, q) => c * q).Sum(), VectorCodes.Dot(code, query));
    }

    private VectorIndex Filled(float[][] vectors, VectorPrecision precision = VectorPrecision.Float16)
    {
        var index = new VectorIndex(Path.Combine(_root, Guid.NewGuid() + ".vectors"), Dimension, precision);
        index.Add(vectors.Select((v, i) => ((ulong)i, (ReadOnlyMemory<float>)v)));
        return index;
    }

    private static double Recall(VectorIndex index, float[][] vectors, float[][] queries, int? probes) =>
        queries.Average(q => index.Search(q, 10, probes).Select(h => h.Key).Intersect(Exact(vectors, q, 10)).Count() / 10.0);

    private static IEnumerable<ulong> Exact(float[][] vectors, float[] query, int count) =>
        vectors.Select((v, i) => (Key: (ulong)i, Similarity: TensorPrimitives.CosineSimilarity(v, query)))
            .OrderByDescending(x => x.Similarity).Take(count).Select(x => x.Key);

    /// <summary>Unit vectors around 50 random centres, as text embeddings cluster by topic.</summary>
    private static float[][] ClusteredVectors(int count, int seed)
    {
        var centres = new Random(0);
        var topics = Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, Dimension).Select(_ => (float)(centres.NextDouble() - 0.5)).ToArray()).ToArray();
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var topic = topics[random.Next(topics.Length)];
            var v = topic.Select(x => x + (float)(random.NextDouble() - 0.5) * 0.6f).ToArray();
            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            return v;
        })];
    }
}
