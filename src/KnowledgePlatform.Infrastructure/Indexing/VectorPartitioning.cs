using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// How a vector index splits its vectors into partitions and how many a search sweeps (decision 0169). Up to
/// <see cref="SearchedWhole"/> vectors an index is one partition, swept whole (exact but for the codes' choice of candidates).
/// From there it is cut into about √n partitions by k-means on a sample, cut again each time it doubles, and a
/// search sweeps the partitions whose centres lie nearest the query: at least 128, an eighth of them from 1,024 on.
/// On covidqa-passages padded with synthesised chunks that kept recall@10 against exact search at 0.987–0.989 at
/// 1,000,000 vectors (docs/benchmarks/retrieval.md).
/// </summary>
internal static class VectorPartitioning
{
    public const int SearchedWhole = 20_000;
    public const int FewestProbes = 128;
    private const int MostPartitions = 4_096;
    private const int Rounds = 6;
    private const int SamplePerPartition = 32;

    /// <summary>How many partitions an index of this many vectors is cut into (1: not cut).</summary>
    public static int PartitionsFor(long vectors) =>
        vectors < SearchedWhole ? 1 : (int)Math.Clamp(Math.Round(Math.Sqrt(vectors)), 1, MostPartitions);

    /// <summary>How many of its partitions a search sweeps.</summary>
    public static int ProbesFor(int partitions) => Math.Min(partitions, Math.Max(FewestProbes, partitions / 8));

    /// <summary>
    /// Centres for <paramref name="partitions"/> partitions: k-means (spherical: centres kept unit length) over a
    /// random sample of the stored vectors, from every core. A centre left empty restarts at a random sampled vector.
    /// </summary>
    public static float[] Train(VectorSlots slots, int partitions, int seed)
    {
        var dimension = slots.Dimension;
        var random = new Random(seed);
        var all = slots.Slots().ToArray();
        var size = Math.Min(all.Length, Math.Max(SearchedWhole, partitions * SamplePerPartition));
        random.Shuffle(all);
        var sample = new float[size * dimension];
        Parallel.For(0, size, i => slots.Read(all[i], sample.AsSpan(i * dimension, dimension)));
        var centres = new float[partitions * dimension];
        for (var c = 0; c < partitions; c++) sample.AsSpan(random.Next(size) * dimension, dimension).CopyTo(centres.AsSpan(c * dimension, dimension));
        var nearest = new int[size];
        for (var round = 0; round < Rounds; round++)
        {
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, size, 256), range =>
                Nearest(sample.AsSpan(range.Item1 * dimension, (range.Item2 - range.Item1) * dimension), centres, dimension, nearest.AsSpan(range.Item1, range.Item2 - range.Item1)));
            var sums = new float[partitions * dimension];
            var counts = new int[partitions];
            for (var i = 0; i < size; i++)
            {
                var sum = sums.AsSpan(nearest[i] * dimension, dimension);
                TensorPrimitives.Add(sum, sample.AsSpan(i * dimension, dimension), sum);
                counts[nearest[i]]++;
            }
            for (var c = 0; c < partitions; c++)
            {
                var centre = centres.AsSpan(c * dimension, dimension);
                if (counts[c] == 0)
                {
                    sample.AsSpan(random.Next(size) * dimension, dimension).CopyTo(centre);
                    continue;
                }
                var sum = sums.AsSpan(c * dimension, dimension);
                var norm = TensorPrimitives.Norm(sum);
                if (norm > 0) TensorPrimitives.Divide(sum, norm, centre);
            }
        }
        return centres;
    }

    /// <summary>
    /// For each vector (the rows of <paramref name="vectors"/>), the partition whose centre is most similar. Four vectors
    /// at a time, so each centre is read from memory once for four: about four times faster than one at a time.
    /// </summary>
    public static void Nearest(ReadOnlySpan<float> vectors, float[] centres, int dimension, Span<int> nearest)
    {
        var count = vectors.Length / dimension;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && dimension % Vector256<float>.Count == 0)
        {
            ref var v = ref MemoryMarshal.GetReference(vectors);
            ref var c = ref MemoryMarshal.GetArrayDataReference(centres);
            for (; i + 4 <= count; i += 4)
            {
                var (b0, b1, b2, b3) = (0, 0, 0, 0);
                var (s0, s1, s2, s3) = (float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity);
                var (o0, o1, o2, o3) = ((nuint)(i * dimension), (nuint)((i + 1) * dimension), (nuint)((i + 2) * dimension), (nuint)((i + 3) * dimension));
                for (var k = 0; k * dimension < centres.Length; k++)
                {
                    var (a0, a1, a2, a3) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
                    var centre = (nuint)(k * dimension);
                    for (nuint j = 0; j < (nuint)dimension; j += (nuint)Vector256<float>.Count)
                    {
                        var x = Vector256.LoadUnsafe(ref c, centre + j);
                        a0 = Vector256.MultiplyAddEstimate(x, Vector256.LoadUnsafe(ref v, o0 + j), a0);
                        a1 = Vector256.MultiplyAddEstimate(x, Vector256.LoadUnsafe(ref v, o1 + j), a1);
                        a2 = Vector256.MultiplyAddEstimate(x, Vector256.LoadUnsafe(ref v, o2 + j), a2);
                        a3 = Vector256.MultiplyAddEstimate(x, Vector256.LoadUnsafe(ref v, o3 + j), a3);
                    }
                    var (d0, d1, d2, d3) = (Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
                    if (d0 > s0) (s0, b0) = (d0, k);
                    if (d1 > s1) (s1, b1) = (d1, k);
                    if (d2 > s2) (s2, b2) = (d2, k);
                    if (d3 > s3) (s3, b3) = (d3, k);
                }
                (nearest[i], nearest[i + 1], nearest[i + 2], nearest[i + 3]) = (b0, b1, b2, b3);
            }
        }
        for (; i < count; i++) nearest[i] = Nearest(vectors.Slice(i * dimension, dimension), centres, dimension);
    }

    /// <summary>The partition whose centre is most similar to the vector.</summary>
    public static int Nearest(ReadOnlySpan<float> vector, float[] centres, int dimension)
    {
        var (best, bestSimilarity) = (0, float.NegativeInfinity);
        for (var c = 0; c * dimension < centres.Length; c++)
        {
            var similarity = TensorPrimitives.Dot(centres.AsSpan(c * dimension, dimension), vector);
            if (similarity > bestSimilarity) (best, bestSimilarity) = (c, similarity);
        }
        return best;
    }

    /// <summary>The <paramref name="probes"/> partitions whose centres are most similar to the query, nearest first.</summary>
    public static int[] Nearest(ReadOnlySpan<float> query, float[] centres, int dimension, int probes)
    {
        var partitions = centres.Length / dimension;
        var similarities = new float[partitions];
        var order = new int[partitions];
        for (var c = 0; c < partitions; c++)
        {
            similarities[c] = -TensorPrimitives.Dot(centres.AsSpan(c * dimension, dimension), query);
            order[c] = c;
        }
        Array.Sort(similarities, order);
        return order[..Math.Min(probes, partitions)];
    }
}
