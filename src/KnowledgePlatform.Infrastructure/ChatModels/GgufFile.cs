using System.Text;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>
/// The header of a GGUF file (v2 and v3, little-endian): metadata and tensor infos, read defensively.
/// Every count and length is checked against what is left of the file before anything is allocated, so a
/// damaged or hostile file gives a <see cref="ModelFileException"/> instead of an out-of-memory or a native abort.
/// </summary>
public sealed class GgufFile
{
    public const uint Magic = 0x46554747; // "GGUF"
    public const uint DefaultAlignment = 32;
    private const int MaxDimensions = 4;
    private const ulong MaxStringBytes = 64UL * 1024 * 1024;

    public required uint Version { get; init; }
    public required IReadOnlyDictionary<string, object> Metadata { get; init; }
    public required IReadOnlyList<GgufTensorInfo> Tensors { get; init; }
    /// <summary>Where the tensor data starts; tensor offsets are relative to it.</summary>
    public required long DataOffset { get; init; }
    public required long FileLength { get; init; }
    public required uint Alignment { get; init; }

    public string? GetString(string key) => Metadata.GetValueOrDefault(key) as string;

    public static GgufFile Read(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"The model file '{path}' cannot be opened: {ex.Message}");
        }
        using (stream) return Read(stream);
    }

    public static GgufFile Read(Stream stream)
    {
        using var r = new Reader(stream);
        if (r.Length < 24) throw new ModelFileException($"The file is {r.Length} bytes long: too short to be a GGUF model.");
        var magic = r.U32("the magic number");
        if (magic != Magic)
            throw new ModelFileException($"The file does not start with the GGUF magic number (found 0x{magic:X8}); it is not a GGUF model. Convert it with llama.cpp's convert_hf_to_gguf.py.");
        var version = r.U32("the version");
        if (version is not (2 or 3))
            throw new ModelFileException($"GGUF version {version} is not supported; only versions 2 and 3 are.");
        var tensorCount = r.U64("the tensor count");
        var kvCount = r.U64("the metadata count");
        // The smallest key/value is 13 bytes, the smallest tensor info 29: counts beyond that cannot be true.
        if (kvCount > (ulong)r.Remaining / 13)
            throw new ModelFileException($"The header claims {kvCount} metadata entries, more than the file's {r.Length} bytes can hold: it is truncated or damaged.");
        if (tensorCount > (ulong)r.Remaining / 29)
            throw new ModelFileException($"The header claims {tensorCount} tensors, more than the file's {r.Length} bytes can hold: it is truncated or damaged.");

        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (ulong i = 0; i < kvCount; i++)
        {
            var key = r.String("a metadata key");
            var type = (GgufValueType)r.U32($"the type of '{key}'");
            var value = r.Value(type, key);
            if (!metadata.TryAdd(key, value)) throw new ModelFileException($"The metadata key '{key}' appears twice; the file is damaged.");
        }

        var alignment = metadata.GetValueOrDefault("general.alignment") switch
        {
            null => DefaultAlignment,
            uint a when a > 0 && (a & (a - 1)) == 0 => a,
            var other => throw new ModelFileException($"general.alignment is {other}; it must be a power of two stored as u32."),
        };

        var tensors = new List<GgufTensorInfo>((int)Math.Min(tensorCount, 100_000));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = r.String("a tensor name");
            if (!names.Add(name)) throw new ModelFileException($"The tensor '{name}' appears twice; the file is damaged.");
            var nDims = r.U32($"the dimensions of tensor '{name}'");
            if (nDims is 0 or > MaxDimensions) throw new ModelFileException($"Tensor '{name}' has {nDims} dimensions; ggml supports 1 to {MaxDimensions}.");
            var dims = new ulong[nDims];
            var elements = 1UL;
            for (var d = 0; d < nDims; d++)
            {
                dims[d] = r.U64($"a dimension of tensor '{name}'");
                if (dims[d] == 0 || dims[d] > (ulong)r.Length * 8 || (elements = Multiply(elements, dims[d])) > (ulong)r.Length * 8)
                    throw new ModelFileException($"Tensor '{name}' has an impossible shape [{string.Join(", ", dims[..(d + 1)])}]; the file is damaged.");
            }
            var type = r.U32($"the type of tensor '{name}'");
            var info = GgmlTypes.Find(type) ?? throw new ModelFileException($"Tensor '{name}' has unknown type {type}; this llama.cpp build cannot read it.");
            if (dims[0] % (ulong)info.BlockSize != 0)
                throw new ModelFileException($"Tensor '{name}' ({info.Name}) has a row of {dims[0]} elements, not a multiple of its block size {info.BlockSize}.");
            var offset = r.U64($"the offset of tensor '{name}'");
            if (offset % alignment != 0) throw new ModelFileException($"Tensor '{name}' starts at offset {offset}, not aligned to {alignment} bytes.");
            tensors.Add(new GgufTensorInfo(name, dims, type, offset));
        }

        var dataOffset = (r.Position + alignment - 1) / alignment * alignment;
        foreach (var t in tensors)
        {
            var end = (ulong)dataOffset + t.Offset + t.ByteSize;
            if (end > (ulong)r.Length)
                throw new ModelFileException($"Tensor '{t.Name}' ends at byte {end} but the file has {r.Length} bytes: the file is truncated (an interrupted download?).");
        }
        return new GgufFile { Version = version, Metadata = metadata, Tensors = tensors, DataOffset = dataOffset, FileLength = r.Length, Alignment = alignment };
    }

    private static ulong Multiply(ulong a, ulong b) => b != 0 && a > ulong.MaxValue / b ? ulong.MaxValue : a * b;

    private sealed class Reader(Stream stream) : IDisposable
    {
        private readonly BinaryReader _reader = new(stream, Encoding.UTF8, leaveOpen: true);
        public long Length { get; } = stream.Length;
        public long Position => stream.Position;
        public long Remaining => Length - stream.Position;

        public void Dispose() => _reader.Dispose();

        private void Need(long bytes, string what)
        {
            if (bytes > Remaining)
                throw new ModelFileException($"The file ends at byte {Length} while reading {what}: it is truncated or damaged.");
        }

        public uint U32(string what) { Need(4, what); return _reader.ReadUInt32(); }
        public ulong U64(string what) { Need(8, what); return _reader.ReadUInt64(); }

        public string String(string what)
        {
            var length = U64(what);
            if (length > MaxStringBytes || length > (ulong)Remaining)
                throw new ModelFileException($"A string of {length} bytes ({what}) does not fit in the file; the file is damaged.");
            return Encoding.UTF8.GetString(_reader.ReadBytes((int)length));
        }

        public object Value(GgufValueType type, string key)
        {
            var what = $"the value of '{key}'";
            switch (type)
            {
                case GgufValueType.UInt8: Need(1, what); return _reader.ReadByte();
                case GgufValueType.Int8: Need(1, what); return _reader.ReadSByte();
                case GgufValueType.UInt16: Need(2, what); return _reader.ReadUInt16();
                case GgufValueType.Int16: Need(2, what); return _reader.ReadInt16();
                case GgufValueType.UInt32: Need(4, what); return _reader.ReadUInt32();
                case GgufValueType.Int32: Need(4, what); return _reader.ReadInt32();
                case GgufValueType.Float32: Need(4, what); return _reader.ReadSingle();
                case GgufValueType.Bool: Need(1, what); return _reader.ReadByte() != 0;
                case GgufValueType.String: return String(what);
                case GgufValueType.UInt64: Need(8, what); return _reader.ReadUInt64();
                case GgufValueType.Int64: Need(8, what); return _reader.ReadInt64();
                case GgufValueType.Float64: Need(8, what); return _reader.ReadDouble();
                case GgufValueType.Array:
                    var elementType = (GgufValueType)U32(what);
                    var count = U64(what);
                    var minSize = elementType switch
                    {
                        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1UL,
                        GgufValueType.UInt16 or GgufValueType.Int16 => 2UL,
                        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4UL,
                        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 or GgufValueType.String => 8UL,
                        GgufValueType.Array => throw new ModelFileException($"'{key}' is an array of arrays, which GGUF does not allow."),
                        _ => throw new ModelFileException($"'{key}' is an array of unknown type {(uint)elementType}; the file is damaged."),
                    };
                    if (count > (ulong)Remaining / minSize)
                        throw new ModelFileException($"'{key}' claims {count} elements, more than the file can hold; the file is damaged.");
                    var items = new object[count];
                    for (ulong i = 0; i < count; i++) items[i] = Value(elementType, key);
                    return elementType switch
                    {
                        GgufValueType.String => items.Cast<string>().ToArray(),
                        GgufValueType.Int32 => items.Cast<int>().ToArray(),
                        GgufValueType.UInt32 => items.Cast<uint>().ToArray(),
                        GgufValueType.Float32 => items.Cast<float>().ToArray(),
                        _ => items,
                    };
                default:
                    throw new ModelFileException($"'{key}' has unknown value type {(uint)type}; the file is damaged.");
            }
        }
    }
}
