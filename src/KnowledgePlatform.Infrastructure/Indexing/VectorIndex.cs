using Cloud.Unum.USearch;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>One knowledge base's HNSW index, loaded from and saved to its file.</summary>
internal sealed class VectorIndex : IDisposable
{
    private readonly string _path;
    private readonly USearchIndex _index;
    private readonly Lock _lock = new();
    private bool _dirty;
    private long _changedAt;
    private long _savedAt = Environment.TickCount64;

    public VectorIndex(string path, int dimension, VectorPrecision precision)
    {
        _path = path;
        if (!File.Exists(path) && dimension <= 0) throw new InvalidOperationException($"The vector index {path} does not exist and no dimension was given to create it.");
        _index = File.Exists(path)
            ? new USearchIndex(path, false)
            : new USearchIndex(MetricKind.Cos, ScalarKindOf(precision), (ulong)dimension, 16, 128, HnswSearchBeam.Narrowest, false);
        Dimension = (int)_index.Dimensions();
    }

    public int Dimension { get; }

    private static ScalarKind ScalarKindOf(VectorPrecision precision) =>
        precision == VectorPrecision.Float32 ? ScalarKind.Float32 : ScalarKind.Float16;

    public long Count
    {
        get { lock (_lock) return (long)_index.Size(); }
    }

    public void Add(IEnumerable<(ulong Key, ReadOnlyMemory<float> Vector)> items)
    {
        lock (_lock)
        {
            foreach (var (key, vector) in items)
            {
                if (_index.Contains(key)) _index.Remove(key);
                _index.Add(key, vector.ToArray());
            }
            _dirty = true;
            _changedAt = Environment.TickCount64;
        }
    }

    public void Remove(IEnumerable<ulong> keys)
    {
        lock (_lock)
        {
            foreach (var key in keys) _index.Remove(key);
            _dirty = true;
            _changedAt = Environment.TickCount64;
        }
    }

    public IEnumerable<(ulong Key, float Similarity)> Search(ReadOnlyMemory<float> vector, int count)
    {
        ulong[] keys;
        float[] distances;
        int found;
        lock (_lock)
        {
            var size = (long)_index.Size();
            if (size == 0) return [];
            // USearch explores max(expansion, wanted) candidates, and its binding cannot change the expansion of a
            // loaded index: asking for at least the beam and keeping the best `count` is the same search with that beam.
            found = _index.Search(vector.ToArray(), Math.Max(count, HnswSearchBeam.For(size)), out keys, out distances);
        }
        // USearch's cosine metric returns a distance: 1 - cosine similarity.
        return Enumerable.Range(0, Math.Min(found, count)).Select(i => (keys[i], 1f - distances[i])).ToList();
    }

    /// <summary>Saves when changed; with <paramref name="settle"/>, only once unchanged that long or last saved <paramref name="atMost"/> ago.</summary>
    public void SaveIfDirty(TimeSpan? settle = null, TimeSpan? atMost = null)
    {
        lock (_lock)
        {
            if (!_dirty) return;
            var now = Environment.TickCount64;
            if (settle is { } quiet && now - _changedAt < quiet.TotalMilliseconds && now - _savedAt < atMost!.Value.TotalMilliseconds) return;
            var temp = _path + ".saving";
            _index.Save(temp);
            File.Move(temp, _path, overwrite: true);
            _dirty = false;
            _savedAt = Environment.TickCount64;
        }
    }

    public void Dispose()
    {
        lock (_lock) _index.Dispose();
    }
}
