namespace KnowledgePlatform.Infrastructure.Maintenance;

/// <summary>What a backup holds: its format, when it was taken, the schema, and every entry with its hash.</summary>
public sealed record BackupManifest(
    string Format, int FormatVersion, DateTimeOffset CreatedAt, string? LastMigration,
    IReadOnlyDictionary<string, int> DocumentsByStatus, long Chunks, IReadOnlyList<BackupEntry> Entries, IReadOnlyList<string> LeftOut);

public sealed record BackupEntry(string Path, string Sha256, long Bytes);
