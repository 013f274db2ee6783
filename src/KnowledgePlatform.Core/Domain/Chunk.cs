namespace KnowledgePlatform.Core.Domain;

/// <summary>A retrievable piece of a document: the unit that is embedded, indexed and cited.</summary>
public sealed class Chunk
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    public required string DocumentId { get; init; }
    /// <summary>The document version this chunk was cut from.</summary>
    public required int Version { get; init; }
    public required int Ordinal { get; init; }
    public required string Text { get; init; }
    /// <summary>Headings above the chunk, outermost first, joined by " › ".</summary>
    public string HeadingPath { get; init; } = "";
    public int? Page { get; init; }
    public int? Line { get; init; }
    public ChunkKind Kind { get; init; } = ChunkKind.Text;
    public int TokenCount { get; init; }
    /// <summary>The embedding as little-endian float32s, so indexes can be rebuilt without re-embedding.</summary>
    public byte[] Embedding { get; init; } = [];
    /// <summary>
    /// A curator took the chunk out of retrieval: it keeps its text and embedding but is never indexed.
    /// A later version's chunk with the same text starts disabled too (decision 0052).
    /// </summary>
    public bool Disabled { get; set; }
    /// <summary>When a curator last corrected the chunk's text; null: the text is as ingestion cut it.</summary>
    public DateTimeOffset? EditedAt { get; set; }

    public float[] Vector() => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Embedding).ToArray();

    public static byte[] ToBytes(ReadOnlySpan<float> vector) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector).ToArray();
}
