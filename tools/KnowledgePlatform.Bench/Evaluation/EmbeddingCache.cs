using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// Document embeddings kept on disk between evaluation runs, keyed by a hash of the model name and the
/// exact text embedded, so a re-run only embeds what changed. One append-only file per model:
/// records of a 32-byte SHA-256 key followed by the vector's float32s (a torn record and what follows it are dropped
/// when the file is opened). Queries are not cached: their
/// embedding time is part of the latency being measured.
/// </summary>
internal sealed class EmbeddingCache
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _inner;
    private readonly string _model;
    private readonly int _dimension;
    private readonly string? _path;
    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);

    public EmbeddingCache(IEmbeddingGenerator<string, Embedding<float>> inner, string model, int dimension, string? folder)
    {
        (_inner, _model, _dimension) = (inner, model, dimension);
        if (folder is null) return;
        Directory.CreateDirectory(folder);
        _path = Path.Combine(folder, string.Concat(model.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + $"-{dimension}.vectors");
        if (!File.Exists(_path)) return;
        var record = 32 + dimension * sizeof(float);
        var bytes = File.ReadAllBytes(_path);
        var offset = 0;
        for (; offset + record <= bytes.Length; offset += record)
        {
            var vector = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset + 32, dimension * sizeof(float))).ToArray();
            if (!IsUnitLength(vector)) break;
            _vectors[Convert.ToHexString(bytes, offset, 32)] = vector;
        }
        // A run stopped in the middle of an append leaves a torn record, and every record written after it would be read
        // shifted: the cache keeps the records before it and appends from there.
        if (offset < bytes.Length)
        {
            using var file = new FileStream(_path, FileMode.Open, FileAccess.Write);
            file.SetLength(offset);
        }
    }

    /// <summary>One record of the file: the key's 32 bytes, then the vector's.</summary>
    private static byte[] Record(string key, float[] vector)
    {
        var record = new byte[32 + vector.Length * sizeof(float)];
        Convert.FromHexString(key).CopyTo(record, 0);
        MemoryMarshal.AsBytes(vector.AsSpan()).CopyTo(record.AsSpan(32));
        return record;
    }

    /// <summary>Every embedding model of the platform returns L2-normalised vectors; bytes read out of step do not make one.</summary>
    private static bool IsUnitLength(float[] vector) =>
        System.Numerics.Tensors.TensorPrimitives.Norm(vector) is var norm && float.IsFinite(norm) && Math.Abs(norm - 1) < 1e-3;

    public int Hits { get; private set; }

    /// <summary>Vectors for the texts, in order; missing ones are embedded in batches of similar length and appended to the cache.</summary>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, int batchSize, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var keys = texts.Select(Key).ToArray();
        var result = new float[texts.Count][];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (_vectors.TryGetValue(keys[i], out var cached)) result[i] = cached;
            else missing.Add(i);
        }
        Hits += texts.Count - missing.Count;
        progress?.Report(texts.Count - missing.Count);

        // Similar lengths batch together, so little of each batch is padding.
        var ordered = missing.DistinctBy(i => keys[i]).OrderBy(i => texts[i].Length).ToList();
        await using var file = _path is null ? null : new FileStream(_path, FileMode.Append, FileAccess.Write);
        for (var start = 0; start < ordered.Count; start += batchSize)
        {
            var batch = ordered.Skip(start).Take(batchSize).ToList();
            var embeddings = await _inner.GenerateAsync(batch.Select(i => texts[i]), cancellationToken: cancellationToken);
            for (var j = 0; j < batch.Count; j++)
            {
                var vector = embeddings[j].Vector.ToArray();
                if (vector.Length != _dimension)
                    throw new InvalidOperationException($"The model returned {vector.Length} dimensions; {_dimension} are configured.");
                _vectors[keys[batch[j]]] = vector;
                // One write per record: a run stopped between the key and its vector would tear it.
                if (file is not null) await file.WriteAsync(Record(keys[batch[j]], vector), cancellationToken);
            }
            progress?.Report(batch.Count);
        }
        for (var i = 0; i < texts.Count; i++) result[i] ??= _vectors[keys[i]];
        return result;
    }

    private string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_model + "\n" + text)));
}
