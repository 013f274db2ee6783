using System.Numerics.Tensors;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// One knowledge base's dense vectors, loaded from and saved to its file: partitioned by nearest centre and searched by
/// sweeping the partitions nearest the query on one-byte codes, the best candidates scored again on the stored vectors
/// (<see cref="VectorPartitioning"/>, decision 0169). Searches run side by side; a change waits for them, and they for it,
/// except a cut: searches go on against the old partitions while the new ones are made.
/// </summary>
internal sealed class VectorIndex : IDisposable
{
    private readonly string _path;
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly VectorSlots _slots;
    private Layout _layout;
    private int _cutAt;
    private bool _disposed;
    private bool _dirty;
    private long _changedAt;
    private long _savedAt = Environment.TickCount64;

    public VectorIndex(string path, int dimension, VectorPrecision precision)
    {
        _path = path;
        if (File.Exists(path))
        {
            var file = VectorIndexFile.Read(path);
            (_slots, _cutAt) = (file.Slots, file.CutAt);
            _layout = new Layout(file.Centres, NewPartitions(Math.Max(1, file.Centres.Length / _slots.Dimension)));
            Place(_layout, [.. file.PartitionOfSlot.Keys], [.. file.PartitionOfSlot.Values]);
            return;
        }
        if (dimension <= 0) throw new InvalidOperationException($"The vector index {path} does not exist and no dimension was given to create it.");
        _slots = new VectorSlots(dimension, precision);
        _layout = new Layout([], NewPartitions(1));
    }

    public int Dimension => _slots.Dimension;

    public long Count => Read(() => (long)_slots.Count);

    /// <summary>How many partitions the vectors are cut into (1: searched whole).</summary>
    public int Partitions => Read(() => _layout.Partitions.Length);

    public void Add(IEnumerable<(ulong Key, ReadOnlyMemory<float> Vector)> items)
    {
        var list = items.ToList();
        if (list.FirstOrDefault(i => i.Vector.Length != Dimension) is { Vector.Length: > 0 } wrong)
            throw new ArgumentException($"A vector of {wrong.Vector.Length} dimensions cannot join an index of {Dimension}.", nameof(items));
        var cutDue = false;
        Write(() =>
        {
            var added = new HashSet<int>();
            foreach (var (key, vector) in list)
            {
                // A key given twice in one call keeps its last vector.
                if (_slots.TryGetSlot(key, out var old))
                {
                    if (added.Remove(old)) _slots.Remove(key, old);
                    else Detach(key, old);
                }
                added.Add(_slots.Add(key, vector.Span));
            }
            Place(_layout, [.. added]);
            cutDue = CutDue;
        });
        if (cutDue) Cut();
    }

    public void Remove(IEnumerable<ulong> keys)
    {
        Write(() =>
        {
            foreach (var key in keys)
                if (_slots.TryGetSlot(key, out var slot)) Detach(key, slot);
        });
    }

    /// <summary>
    /// The <paramref name="count"/> stored vectors most similar to the query by cosine similarity, most similar first,
    /// sweeping <paramref name="probes"/> partitions (default: <see cref="VectorPartitioning.ProbesFor"/>).
    /// </summary>
    public IReadOnlyList<(ulong Key, float Similarity)> Search(ReadOnlyMemory<float> vector, int count, int? probes = null)
    {
        if (vector.Length != Dimension) throw new ArgumentException($"A query of {vector.Length} dimensions cannot search an index of {Dimension}.", nameof(vector));
        var query = Normalised(vector);
        var code = new short[Dimension];
        var scale = VectorCodes.EncodeQuery(query, code);
        return Read<IReadOnlyList<(ulong, float)>>(() =>
        {
            if (_slots.Count == 0 || count <= 0) return [];
            var (centres, partitions) = (_layout.Centres, _layout.Partitions);
            IEnumerable<int> swept = partitions.Length == 1
                ? [0]
                : VectorPartitioning.Nearest(query, centres, Dimension, probes ?? VectorPartitioning.ProbesFor(partitions.Length));
            // The codes only choose: four times the hits asked for are scored again on the stored vectors.
            var candidates = new Candidates(Math.Max(4 * count, 64));
            foreach (var p in swept) partitions[p].Sweep(code, scale, candidates);
            var stored = new float[Dimension];
            var scored = new List<(ulong Key, float Similarity)>();
            foreach (var slot in candidates.Drain())
            {
                _slots.Read(slot, stored);
                scored.Add((_slots.KeyOf(slot), TensorPrimitives.Dot(stored, query)));
            }
            return [.. scored.OrderByDescending(s => s.Similarity).Take(count)];
        });
    }

    /// <summary>The cosine similarity of the query to the stored vector of each key (keys the index does not hold are left out).</summary>
    public IReadOnlyList<(ulong Key, float Similarity)> Similarities(ReadOnlyMemory<float> vector, IEnumerable<ulong> keys)
    {
        if (vector.Length != Dimension) throw new ArgumentException($"A query of {vector.Length} dimensions cannot be compared with an index of {Dimension}.", nameof(vector));
        var query = Normalised(vector);
        return Read<IReadOnlyList<(ulong, float)>>(() =>
        {
            var stored = new float[Dimension];
            var scored = new List<(ulong Key, float Similarity)>();
            foreach (var key in keys)
            {
                if (!_slots.TryGetSlot(key, out var slot)) continue;
                _slots.Read(slot, stored);
                scored.Add((key, TensorPrimitives.Dot(stored, query)));
            }
            return scored;
        });
    }

    /// <summary>A copy of the vector scaled to length 1 (the stored vectors are, so a dot product is their cosine).</summary>
    private static float[] Normalised(ReadOnlyMemory<float> vector)
    {
        var query = vector.ToArray();
        var norm = TensorPrimitives.Norm(query);
        if (norm > 0 && float.IsFinite(norm)) TensorPrimitives.Divide(query, norm, query);
        return query;
    }

    /// <summary>Saves when changed; with <paramref name="settle"/>, only once unchanged that long or last saved <paramref name="atMost"/> ago.</summary>
    public void SaveIfDirty(TimeSpan? settle = null, TimeSpan? atMost = null)
    {
        // Searches go on while the file is written; changes wait.
        _lock.EnterUpgradeableReadLock();
        try
        {
            if (_disposed || !_dirty) return;
            var now = Environment.TickCount64;
            if (settle is { } quiet && now - _changedAt < quiet.TotalMilliseconds && now - _savedAt < atMost!.Value.TotalMilliseconds) return;
            var temp = _path + ".saving";
            VectorIndexFile.Write(temp, _slots, _layout.Centres, _cutAt, _layout.Partitions.Select(p => p.Slots()));
            File.Move(temp, _path, overwrite: true);
            _dirty = false;
            _savedAt = Environment.TickCount64;
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
    }

    /// <summary>
    /// Waits for a save in progress and stops later ones: the index of a knowledge base being dropped or rebuilt is not
    /// written again after its file is deleted (the embedded index's timer saves outside its write lock). The lock is
    /// left to the collector, so a save that comes after finds it and returns.
    /// </summary>
    public void Dispose()
    {
        _lock.EnterWriteLock();
        _disposed = true;
        _lock.ExitWriteLock();
    }

    /// <summary>Whether the index has grown enough since its last cut (or to its first) to be cut again.</summary>
    private bool CutDue => VectorPartitioning.PartitionsFor(_slots.Count) > 1 && _slots.Count >= 2L * _cutAt;

    /// <summary>
    /// Cuts every vector into new partitions around centres trained on a sample of them. Changes wait; searches go on
    /// against the partitions they know until the new ones are swapped in.
    /// </summary>
    private void Cut()
    {
        _lock.EnterUpgradeableReadLock();
        try
        {
            // Another change may have cut first.
            if (_disposed || !CutDue) return;
            var partitions = VectorPartitioning.PartitionsFor(_slots.Count);
            var layout = new Layout(VectorPartitioning.Train(_slots, partitions, seed: _slots.Count), NewPartitions(partitions));
            Place(layout, [.. _slots.Slots()]);
            Write(() =>
            {
                _layout = layout;
                _cutAt = _slots.Count;
            });
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
    }

    /// <summary>Where the vectors are: the partitions' centres (none: one partition), the partitions, and each slot's place.</summary>
    private sealed class Layout(float[] centres, VectorPartition[] partitions)
    {
        public float[] Centres { get; } = centres;
        public VectorPartition[] Partitions { get; } = partitions;
        public int[] PartitionOf = [];
        public int[] PositionOf = [];
    }

    /// <summary>
    /// Puts slots into partitions, each with its code: the partition given, or (none given) the one with the nearest
    /// centre. In batches, from every core, so placing a million vectors holds little besides them.
    /// </summary>
    private void Place(Layout layout, IReadOnlyList<int> slots, IReadOnlyList<int>? given = null)
    {
        if (layout.PartitionOf.Length < _slots.Used)
        {
            Array.Resize(ref layout.PartitionOf, Math.Max(_slots.Used, 2 * layout.PartitionOf.Length));
            Array.Resize(ref layout.PositionOf, layout.PartitionOf.Length);
        }
        const int Batch = 8_192;
        var batch = Math.Min(Batch, slots.Count);
        var (vectors, partitionOf, codes, scales) = (new float[batch * Dimension], new int[batch], new sbyte[batch * Dimension], new float[batch]);
        for (var start = 0; start < slots.Count; start += Batch)
        {
            var count = Math.Min(Batch, slots.Count - start);
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, count, 256), range =>
            {
                var (from, length) = (range.Item1, range.Item2 - range.Item1);
                for (var i = from; i < range.Item2; i++)
                {
                    var vector = vectors.AsSpan(i * Dimension, Dimension);
                    _slots.Read(slots[start + i], vector);
                    scales[i] = VectorCodes.Encode(vector, codes.AsSpan(i * Dimension, Dimension));
                    if (given is not null || layout.Partitions.Length == 1) partitionOf[i] = given?[start + i] ?? 0;
                }
                if (given is null && layout.Partitions.Length > 1)
                    VectorPartitioning.Nearest(vectors.AsSpan(from * Dimension, length * Dimension), layout.Centres, Dimension, partitionOf.AsSpan(from, length));
            });
            for (var i = 0; i < count; i++)
            {
                var slot = slots[start + i];
                layout.PartitionOf[slot] = partitionOf[i];
                layout.PositionOf[slot] = layout.Partitions[partitionOf[i]].Add(slot, codes.AsSpan(i * Dimension, Dimension), scales[i]);
            }
        }
    }

    private void Detach(ulong key, int slot)
    {
        var position = _layout.PositionOf[slot];
        var moved = _layout.Partitions[_layout.PartitionOf[slot]].RemoveAt(position);
        if (moved >= 0) _layout.PositionOf[moved] = position;
        _slots.Remove(key, slot);
    }

    private VectorPartition[] NewPartitions(int count) => [.. Enumerable.Range(0, count).Select(_ => new VectorPartition(_slots.Dimension))];

    private T Read<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private void Write(Action change)
    {
        _lock.EnterWriteLock();
        try
        {
            change();
            _dirty = true;
            _changedAt = Environment.TickCount64;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
