using System.Numerics.Tensors;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// One knowledge base's dense vectors, loaded from and saved to its file: partitioned by nearest centre and searched by
/// sweeping the partitions nearest the query on one-byte codes, the best candidates scored again on the stored vectors
/// (<see cref="VectorPartitioning"/>, decision 0169). Searches run side by side; a change waits for them.
/// </summary>
internal sealed class VectorIndex : IDisposable
{
    private readonly string _path;
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly VectorSlots _slots;
    private float[] _centres = [];
    private VectorPartition[] _partitions;
    private int[] _partitionOf = [];
    private int[] _positionOf = [];
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
            (_slots, _centres, _cutAt) = (file.Slots, file.Centres, file.CutAt);
            _partitions = NewPartitions(Math.Max(1, _centres.Length / _slots.Dimension));
            Place([.. file.PartitionOfSlot.Keys], [.. file.PartitionOfSlot.Values]);
            return;
        }
        if (dimension <= 0) throw new InvalidOperationException($"The vector index {path} does not exist and no dimension was given to create it.");
        _slots = new VectorSlots(dimension, precision);
        _partitions = NewPartitions(1);
    }

    public int Dimension => _slots.Dimension;

    public long Count => Read(() => (long)_slots.Count);

    /// <summary>How many partitions the vectors are cut into (1: searched whole).</summary>
    public int Partitions => Read(() => _partitions.Length);

    public void Add(IEnumerable<(ulong Key, ReadOnlyMemory<float> Vector)> items)
    {
        var list = items.ToList();
        if (list.FirstOrDefault(i => i.Vector.Length != Dimension) is { Vector.Length: > 0 } wrong)
            throw new ArgumentException($"A vector of {wrong.Vector.Length} dimensions cannot join an index of {Dimension}.", nameof(items));
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
            var partitions = VectorPartitioning.PartitionsFor(_slots.Count);
            if (partitions > 1 && _slots.Count >= 2L * _cutAt) Cut(partitions);
            else Place([.. added]);
        });
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
        var query = vector.ToArray();
        var norm = TensorPrimitives.Norm(query);
        if (norm > 0 && float.IsFinite(norm)) TensorPrimitives.Divide(query, norm, query);
        var code = new short[Dimension];
        var scale = VectorCodes.EncodeQuery(query, code);
        return Read<IReadOnlyList<(ulong, float)>>(() =>
        {
            if (_slots.Count == 0 || count <= 0) return [];
            IEnumerable<int> swept = _partitions.Length == 1
                ? [0]
                : VectorPartitioning.Nearest(query, _centres, Dimension, probes ?? VectorPartitioning.ProbesFor(_partitions.Length));
            // The codes only choose: four times the hits asked for are scored again on the stored vectors.
            var candidates = new Candidates(Math.Max(4 * count, 64));
            foreach (var p in swept) _partitions[p].Sweep(code, scale, candidates);
            var stored = new float[Dimension];
            var scored = new List<(ulong Key, float Similarity)>();
            foreach (var slot in candidates.Slots())
            {
                _slots.Read(slot, stored);
                scored.Add((_slots.KeyOf(slot), TensorPrimitives.Dot(stored, query)));
            }
            return [.. scored.OrderByDescending(s => s.Similarity).Take(count)];
        });
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
            VectorIndexFile.Write(temp, _slots, _centres, _cutAt, _partitions.Select(p => p.Slots()));
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

    /// <summary>Cuts every vector into new partitions around centres trained on a sample of them.</summary>
    private void Cut(int partitions)
    {
        _centres = VectorPartitioning.Train(_slots, partitions, seed: _slots.Count);
        _partitions = NewPartitions(partitions);
        _cutAt = _slots.Count;
        Place([.. _slots.Slots()]);
    }

    /// <summary>
    /// Puts slots into partitions, each with its code: the partition given, or (none given) the one with the nearest
    /// centre. In batches, from every core, so placing a million vectors holds little besides them.
    /// </summary>
    private void Place(IReadOnlyList<int> slots, IReadOnlyList<int>? given = null)
    {
        if (_partitionOf.Length < _slots.Used)
        {
            Array.Resize(ref _partitionOf, Math.Max(_slots.Used, 2 * _partitionOf.Length));
            Array.Resize(ref _positionOf, _partitionOf.Length);
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
                    if (given is not null || _partitions.Length == 1) partitionOf[i] = given?[start + i] ?? 0;
                }
                if (given is null && _partitions.Length > 1)
                    VectorPartitioning.Nearest(vectors.AsSpan(from * Dimension, length * Dimension), _centres, Dimension, partitionOf.AsSpan(from, length));
            });
            for (var i = 0; i < count; i++)
            {
                var slot = slots[start + i];
                _partitionOf[slot] = partitionOf[i];
                _positionOf[slot] = _partitions[partitionOf[i]].Add(slot, codes.AsSpan(i * Dimension, Dimension), scales[i]);
            }
        }
    }

    private void Detach(ulong key, int slot)
    {
        var position = _positionOf[slot];
        var moved = _partitions[_partitionOf[slot]].RemoveAt(position);
        if (moved >= 0) _positionOf[moved] = position;
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
