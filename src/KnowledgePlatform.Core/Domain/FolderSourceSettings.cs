namespace KnowledgePlatform.Core.Domain;

/// <summary>What a folder source reads: every supported file below <see cref="Path"/>, hidden files and links excepted.</summary>
public sealed record FolderSourceSettings
{
    /// <summary>An absolute path under one of the server's allowed folders (Sources:AllowedFolders).</summary>
    public required string Path { get; init; }
    /// <summary>Sync soon after a file in the folder changes, not only on schedule.</summary>
    public bool Watch { get; init; } = true;
}
