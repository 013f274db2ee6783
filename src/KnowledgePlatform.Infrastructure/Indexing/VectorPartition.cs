namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// One partition of a vector index: the slots of its vectors with their codes side by side, so a search sweeps them in
/// order through memory. Held in blocks of <see cref="BlockSize"/> entries, so growing never copies and no block is large
/// enough for the large-object heap; a removed entry's place is taken by the last one.
/// </summary>
internal sealed class VectorPartition(int dimension)
{
    private const int BlockSize = 128;
    private readonly List<Block> _blocks = [];

    private sealed class Block(int dimension)
    {
        public readonly int[] Slots = new int[BlockSize];
        public readonly sbyte[] Codes = new sbyte[BlockSize * dimension];
        public readonly float[] Scales = new float[BlockSize];
    }

    public int Count { get; private set; }

    /// <summary>Adds a slot's code; returns its position.</summary>
    public int Add(int slot, ReadOnlySpan<sbyte> code, float scale)
    {
        if (Count == _blocks.Count * BlockSize) _blocks.Add(new Block(dimension));
        Set(Count, slot, code, scale);
        return Count++;
    }

    /// <summary>Removes the entry at a position; returns the slot moved into that position, or -1 when it was the last.</summary>
    public int RemoveAt(int position)
    {
        var last = --Count;
        var moved = -1;
        if (position != last)
        {
            var (block, offset) = (_blocks[last / BlockSize], last % BlockSize);
            moved = block.Slots[offset];
            Set(position, moved, block.Codes.AsSpan(offset * dimension, dimension), block.Scales[offset]);
        }
        if (Count == (_blocks.Count - 1) * BlockSize) _blocks.RemoveAt(_blocks.Count - 1);
        return moved;
    }

    /// <summary>Offers every entry's approximate similarity to the query (its code's dot product, scaled) to the candidates.</summary>
    public void Sweep(ReadOnlySpan<short> query, float queryScale, Candidates candidates)
    {
        for (var b = 0; b < _blocks.Count; b++)
        {
            var block = _blocks[b];
            var entries = Math.Min(BlockSize, Count - b * BlockSize);
            for (var e = 0; e < entries; e++)
                candidates.Offer(block.Slots[e], VectorCodes.Dot(block.Codes.AsSpan(e * dimension, dimension), query) * block.Scales[e] * queryScale);
        }
    }

    public IEnumerable<int> Slots()
    {
        for (var p = 0; p < Count; p++) yield return _blocks[p / BlockSize].Slots[p % BlockSize];
    }

    private void Set(int position, int slot, ReadOnlySpan<sbyte> code, float scale)
    {
        var (block, offset) = (_blocks[position / BlockSize], position % BlockSize);
        block.Slots[offset] = slot;
        code.CopyTo(block.Codes.AsSpan(offset * dimension, dimension));
        block.Scales[offset] = scale;
    }
}
