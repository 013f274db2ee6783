using System.Text.Json.Serialization;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;

namespace KnowledgePlatform.Infrastructure.Packages;

public sealed record PackageManifest(
    string Format,
    int FormatVersion,
    DateTimeOffset ExportedAt,
    PackageKnowledgeBase KnowledgeBase,
    PackageEmbedding Embedding,
    PackagePolicy Policy,
    IReadOnlyList<PackageDocument> Documents,
    PackageFile Chunks);

public sealed record PackageKnowledgeBase(string Name, string? Description, Vertical Vertical, bool Strict, ChunkingSettings Chunking, RetrievalSettings Retrieval);

/// <summary>The model the package's embeddings were made with; an importer reuses them only with the same model and dimension.</summary>
public sealed record PackageEmbedding(string Model, int Dimension);

/// <summary>The exporting tenant's policy template and overrides, as a reference: the importing tenant's own policy applies.</summary>
public sealed record PackagePolicy(string? Template, PolicyOverrides? Overrides);

public sealed record PackageDocument(
    string Id, string FileName, string Format, string? Title, IReadOnlyList<string> Tags, DateOnly? EffectiveDate, IReadOnlyList<string> Groups, PackageFile File);

/// <summary>An entry of the zip and the SHA-256 of its bytes: a changed entry is detected on import.</summary>
public sealed record PackageFile(string Path, string Sha256, long Bytes);

/// <summary>
/// One line of chunks.jsonl; the embedding is base64 of little-endian float32s. <paramref name="Disabled"/> is written only
/// for a chunk a curator disabled (decision 0052); packages without it hold enabled chunks.
/// </summary>
public sealed record PackageChunk(
    string DocumentId, int Ordinal, string Text, string HeadingPath, int? Page, int? Line, ChunkKind Kind, int TokenCount, string Embedding,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Disabled = false);
