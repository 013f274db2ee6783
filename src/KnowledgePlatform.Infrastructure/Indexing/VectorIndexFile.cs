using System.Runtime.InteropServices;

namespace KnowledgePlatform.Infrastructure.Indexing;

/// <summary>
/// A vector index on disk: a header (format, dimension, precision, how many partitions, when last cut, how many
/// vectors), the partitions' centres, then each vector with its key and partition, partition by partition. The codes
/// are not stored: they are made again from the vectors when the file is read.
/// </summary>
internal static class VectorIndexFile
{
    private const int Format = 0x3156504B; // "KPV1"

    public sealed record Contents(VectorSlots Slots, float[] Centres, int CutAt, Dictionary<int, int> PartitionOfSlot);

    public static void Write(string path, VectorSlots slots, float[] centres, int cutAt, IEnumerable<IEnumerable<int>> partitions)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new BinaryWriter(stream);
        writer.Write(Format);
        writer.Write(slots.Dimension);
        writer.Write((int)slots.Precision);
        writer.Write(centres.Length / slots.Dimension);
        writer.Write(cutAt);
        writer.Write(slots.Count);
        writer.Write(MemoryMarshal.AsBytes(centres.AsSpan()));
        var partition = 0;
        foreach (var members in partitions)
        {
            foreach (var slot in members)
            {
                writer.Write(slots.KeyOf(slot));
                writer.Write(partition);
                writer.Write(slots.Bytes(slot));
            }
            partition++;
        }
    }

    public static Contents Read(string path)
    {
        try
        {
            return ReadWhole(path);
        }
        catch (EndOfStreamException)
        {
            throw Unreadable(path);
        }
    }

    private static InvalidDataException Unreadable(string path) =>
        new($"{path} is not a vector index this version can read: delete it and restart, and the index is rebuilt from the metadata database.");

    private static Contents ReadWhole(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(stream);
        if (stream.Length < 24 || reader.ReadInt32() != Format) throw Unreadable(path);
        var (dimension, precision, partitions, cutAt, count) = (reader.ReadInt32(), (VectorPrecision)reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
        var slots = new VectorSlots(dimension, precision);
        var centres = new float[partitions * dimension];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(centres.AsSpan()));
        var partitionOfSlot = new Dictionary<int, int>(count);
        var bytes = new byte[slots.BytesPerVector];
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadUInt64();
            var partition = reader.ReadInt32();
            reader.BaseStream.ReadExactly(bytes);
            partitionOfSlot[slots.AddBytes(key, bytes)] = partitions == 0 ? 0 : partition;
        }
        return new Contents(slots, partitions <= 1 ? [] : centres, cutAt, partitionOfSlot);
    }
}
