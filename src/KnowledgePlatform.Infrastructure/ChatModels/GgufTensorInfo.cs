using System.Text;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>One tensor's description in the header: its name, shape (innermost dimension first), type and data offset.</summary>
public sealed record GgufTensorInfo(string Name, ulong[] Dimensions, uint Type, ulong Offset)
{
    public ulong ElementCount => Dimensions.Aggregate(1UL, (a, d) => a * d);

    /// <summary>Bytes of data: whole blocks of the type along the innermost dimension.</summary>
    public ulong ByteSize => GgmlTypes.Find(Type) is { } t ? ElementCount / (ulong)t.BlockSize * (ulong)t.BlockBytes : 0;
}
