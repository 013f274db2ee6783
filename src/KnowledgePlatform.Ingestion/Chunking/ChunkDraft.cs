using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Ingestion.Chunking;

/// <summary>A chunk before it is embedded: its text, where it came from and its size in model tokens.</summary>
public sealed record ChunkDraft(string Text, IReadOnlyList<string> HeadingPath, int? Page, int? Line, ChunkKind Kind, int TokenCount)
{
    public string HeadingPathText => string.Join(" › ", HeadingPath);
}
