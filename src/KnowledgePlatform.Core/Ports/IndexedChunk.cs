using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

public sealed record IndexedChunk(ChunkPayload Payload, ReadOnlyMemory<float> Vector)
{
    public static IndexedChunk From(Chunk c, string documentTitle, string fileName) =>
        new(ChunkPayload.From(c, documentTitle, fileName), c.Vector());

    /// <summary>A stored chunk with its document's title, file name and filterable metadata.</summary>
    public static IndexedChunk From(Chunk c, Document document) =>
        new(ChunkPayload.From(c, document.Title ?? Path.GetFileNameWithoutExtension(document.FileName), document.FileName) with
        {
            Tags = document.Tags,
            EffectiveDate = document.EffectiveDate,
            Groups = document.Groups,
        }, c.Vector());

    /// <summary>
    /// The index entries of a document's stored chunks: every place that indexes stored chunks goes through here,
    /// so a chunk a curator disabled is never indexed (decision 0052).
    /// </summary>
    public static List<IndexedChunk> Of(IEnumerable<Chunk> chunks, Document document) =>
        chunks.Where(c => !c.Disabled).Select(c => From(c, document)).ToList();
}
