using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// What a search sweeps: each stored vector cut to one signed byte a dimension with its own scale (a quarter of
/// float32's memory traffic), against the query at up to 16 bits a dimension. The candidates the codes rank first are
/// scored again on the stored vectors (<see cref="VectorIndex"/>), so the codes only choose, never score.
/// </summary>
internal static class VectorCodes
{
    private const float StoredRange = 127f;
    private const float QueryRange = 16_000f;

    /// <summary>The query's range: ±16,000, less where the dot product of that many dimensions could pass an int.</summary>
    private static float QueryRangeFor(int dimension) => Math.Min(QueryRange, MathF.Floor(int.MaxValue / (StoredRange * dimension)));

    /// <summary>Writes the vector's code; returns the scale that turns code units back into the vector's.</summary>
    public static float Encode(ReadOnlySpan<float> vector, Span<sbyte> code) => Quantise(vector, code, StoredRange);

    public static float EncodeQuery(ReadOnlySpan<float> vector, Span<short> code) => Quantise(vector, code, QueryRangeFor(vector.Length));

    private static float Quantise<T>(ReadOnlySpan<float> vector, Span<T> code, float range) where T : System.Numerics.INumber<T>
    {
        var largest = vector.IsEmpty ? 0 : TensorPrimitives.MaxMagnitude(vector);
        if (largest == 0 || !float.IsFinite(largest))
        {
            code.Clear();
            return 0;
        }
        var factor = range / largest;
        for (var i = 0; i < vector.Length; i++) code[i] = T.CreateTruncating(MathF.Round(vector[i] * factor));
        return largest / range;
    }

    /// <summary>
    /// The dot product of a code and a query code in code units (never overflows: the query's range is chosen so that
    /// 127 × range × dimensions stays under 2³¹).
    /// </summary>
    public static int Dot(ReadOnlySpan<sbyte> code, ReadOnlySpan<short> query)
    {
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && code.Length >= 16)
        {
            ref var c = ref MemoryMarshal.GetReference(code);
            ref var q = ref MemoryMarshal.GetReference(query);
            var total = Vector256<int>.Zero;
            for (; i + 16 <= code.Length; i += 16)
            {
                var widened = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref c, (nuint)i));
                total = Avx2.Add(total, Avx2.MultiplyAddAdjacent(widened, Vector256.LoadUnsafe(ref q, (nuint)i)));
            }
            sum = Vector256.Sum(total);
        }
        for (; i < code.Length; i++) sum += code[i] * query[i];
        return sum;
    }
}
