using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// The vectors a vector index holds, each in a numbered slot at the index's precision, unit length (cosine similarity
/// is then a dot product). Pages of 16,384 vectors, so growing never copies more than one page; the last page grows
/// by doubling from 64 vectors, so a small knowledge base holds little. A freed slot is reused.
/// </summary>
internal sealed class VectorSlots(int dimension, VectorPrecision precision)
{
    private const int PageSize = 1 << 14;
    private const int FirstCapacity = 64;
    private readonly List<float[]> _singles = [];
    private readonly List<Half[]> _halves = [];
    private readonly Dictionary<ulong, int> _slotOf = [];
    private readonly Stack<int> _free = new();
    private ulong[] _keys = new ulong[FirstCapacity];
    private int _used;

    public int Dimension => dimension;

    public VectorPrecision Precision => precision;

    public int Count => _slotOf.Count;

    /// <summary>Slots handed out so far, free ones included: every slot number is below it.</summary>
    public int Used => _used;

    public int BytesPerVector => dimension * (precision == VectorPrecision.Float32 ? sizeof(float) : 2);

    public bool TryGetSlot(ulong key, out int slot) => _slotOf.TryGetValue(key, out slot);

    public ulong KeyOf(int slot) => _keys[slot];

    public IEnumerable<int> Slots() => _slotOf.Values;

    /// <summary>Stores a new key's vector, made unit length; returns its slot.</summary>
    public int Add(ulong key, ReadOnlySpan<float> vector)
    {
        Span<float> unit = dimension <= 4096 ? stackalloc float[dimension] : new float[dimension];
        vector.CopyTo(unit);
        var norm = TensorPrimitives.Norm(unit);
        if (norm > 0 && float.IsFinite(norm)) TensorPrimitives.Divide(unit, norm, unit);
        var slot = Take(key);
        if (precision == VectorPrecision.Float32) unit.CopyTo(_singles[slot / PageSize].AsSpan(slot % PageSize * dimension, dimension));
        else TensorPrimitives.ConvertToHalf(unit, _halves[slot / PageSize].AsSpan(slot % PageSize * dimension, dimension));
        return slot;
    }

    /// <summary>Stores a new key's vector as read from an index file (<see cref="Bytes"/>); returns its slot.</summary>
    public int AddBytes(ulong key, ReadOnlySpan<byte> bytes)
    {
        var slot = Take(key);
        bytes.CopyTo(Bytes(slot));
        return slot;
    }

    public void Remove(ulong key, int slot)
    {
        _slotOf.Remove(key);
        _free.Push(slot);
    }

    /// <summary>The slot's vector at full precision.</summary>
    public void Read(int slot, Span<float> into)
    {
        if (precision == VectorPrecision.Float32) _singles[slot / PageSize].AsSpan(slot % PageSize * dimension, dimension).CopyTo(into);
        else TensorPrimitives.ConvertToSingle(_halves[slot / PageSize].AsSpan(slot % PageSize * dimension, dimension), into);
    }

    /// <summary>The slot's vector as stored, for the index file.</summary>
    public Span<byte> Bytes(int slot) => precision == VectorPrecision.Float32
        ? MemoryMarshal.AsBytes(_singles[slot / PageSize].AsSpan(slot % PageSize * dimension, dimension))
        : MemoryMarshal.AsBytes(_halves[slot / PageSize].AsSpan(slot % PageSize * dimension, dimension));

    private void Grow<T>(List<T[]> pages, int page, int needed)
    {
        if (page == pages.Count) pages.Add(new T[FirstCapacity * dimension]);
        if (pages[page].Length >= needed) return;
        var grown = pages[page];
        Array.Resize(ref grown, Math.Min(PageSize * dimension, Math.Max(needed, 2 * grown.Length)));
        pages[page] = grown;
    }

    private int Take(ulong key)
    {
        if (_slotOf.ContainsKey(key)) throw new InvalidOperationException($"The vector index already holds key {key}.");
        var slot = _free.Count > 0 ? _free.Pop() : _used++;
        var (page, needed) = (slot / PageSize, (slot % PageSize + 1) * dimension);
        if (precision == VectorPrecision.Float32) Grow(_singles, page, needed);
        else Grow(_halves, page, needed);
        if (slot >= _keys.Length) Array.Resize(ref _keys, _keys.Length * 2);
        _keys[slot] = key;
        _slotOf[key] = slot;
        return slot;
    }
}
