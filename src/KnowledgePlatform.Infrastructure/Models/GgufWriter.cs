using System.Text;
using KnowledgePlatform.Infrastructure.ChatModels;

namespace KnowledgePlatform.Infrastructure.Models;

/// <summary>
/// Writes GGUF v3 files: metadata in the order added, then F32 or F16 tensors aligned to 32 bytes.
/// Used to generate small models (tests, benchmarks of the serving mechanics) and damaged files for tests.
/// </summary>
public sealed class GgufWriter
{
    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<(string Name, ulong[] Dims, uint Type, float[] Data)> _tensors = [];

    public GgufWriter Add(string key, string value) => Put(key, GgufValueType.String, value);
    public GgufWriter Add(string key, uint value) => Put(key, GgufValueType.UInt32, value);
    public GgufWriter Add(string key, int value) => Put(key, GgufValueType.Int32, value);
    public GgufWriter Add(string key, float value) => Put(key, GgufValueType.Float32, value);
    public GgufWriter Add(string key, bool value) => Put(key, GgufValueType.Bool, value);
    public GgufWriter Add(string key, string[] values) => Put(key, GgufValueType.Array, (GgufValueType.String, (object)values));
    public GgufWriter Add(string key, int[] values) => Put(key, GgufValueType.Array, (GgufValueType.Int32, (object)values));
    public GgufWriter Add(string key, float[] values) => Put(key, GgufValueType.Array, (GgufValueType.Float32, (object)values));

    public bool Remove(string key) => _metadata.RemoveAll(m => m.Key == key) > 0;

    /// <summary>A tensor with <paramref name="dims"/> innermost first, stored as F32 or F16.</summary>
    public GgufWriter AddTensor(string name, ulong[] dims, float[] data, uint type = GgmlTypes.F32)
    {
        if (type is not (GgmlTypes.F32 or GgmlTypes.F16)) throw new ArgumentOutOfRangeException(nameof(type), "Only F32 and F16 tensors can be written.");
        if ((ulong)data.LongLength != dims.Aggregate(1UL, (a, d) => a * d)) throw new ArgumentException($"Tensor '{name}' has {data.Length} values for shape [{string.Join(", ", dims)}].");
        _tensors.Add((name, dims, type, data));
        return this;
    }

    private GgufWriter Put(string key, GgufValueType type, object value)
    {
        _metadata.Add((key, type, value));
        return this;
    }

    public void Write(string path)
    {
        using var file = File.Create(path);
        Write(file);
    }

    public void Write(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(GgufFile.Magic);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, type, value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)type);
            WriteValue(w, type, value);
        }

        var offset = 0UL;
        foreach (var (name, dims, type, data) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)dims.Length);
            foreach (var d in dims) w.Write(d);
            w.Write(type);
            w.Write(offset);
            offset = Align(offset + Bytes(type, data));
        }

        Pad(w);
        foreach (var (_, _, type, data) in _tensors)
        {
            foreach (var v in data)
            {
                if (type == GgmlTypes.F16) w.Write((Half)v);
                else w.Write(v);
            }
            Pad(w);
        }
    }

    private static ulong Bytes(uint type, float[] data) => (ulong)data.LongLength * (type == GgmlTypes.F16 ? 2UL : 4UL);

    private static ulong Align(ulong value) => (value + GgufFile.DefaultAlignment - 1) / GgufFile.DefaultAlignment * GgufFile.DefaultAlignment;

    private static void Pad(BinaryWriter w)
    {
        w.Flush();
        var position = (ulong)w.BaseStream.Position;
        for (var i = position; i < Align(position); i++) w.Write((byte)0);
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.UInt32: w.Write((uint)value); break;
            case GgufValueType.Int32: w.Write((int)value); break;
            case GgufValueType.Float32: w.Write((float)value); break;
            case GgufValueType.Bool: w.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.Array:
                var (elementType, items) = ((GgufValueType, object))value;
                w.Write((uint)elementType);
                switch (items)
                {
                    case string[] s: w.Write((ulong)s.Length); foreach (var x in s) WriteString(w, x); break;
                    case int[] i: w.Write((ulong)i.Length); foreach (var x in i) w.Write(x); break;
                    case float[] f: w.Write((ulong)f.Length); foreach (var x in f) w.Write(x); break;
                }
                break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }
}
