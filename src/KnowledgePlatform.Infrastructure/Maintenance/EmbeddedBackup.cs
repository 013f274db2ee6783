using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Maintenance;

/// <summary>
/// <c>kp backup</c> and <c>kp restore</c> for the embedded layout (decision 0095). A backup is a zip: the metadata database
/// as one consistent snapshot (SQLite's online backup, taken while the server runs), the stored originals that snapshot
/// refers to, and a manifest with every entry's SHA-256. The index is not in it: it is derived data (decision 2), rebuilt
/// from the snapshot at restore, so it always agrees with the database.
/// </summary>
public static class EmbeddedBackup
{
    public const string FormatName = "knowledgeplatform.backup";
    public const int FormatVersion = 1;
    public const string ManifestPath = "manifest.json";
    public const string DatabasePath = "knowledge.db";
    private const string FilesPrefix = "files/";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes a backup of the data folder to <paramref name="output"/> (a .zip file), while the server may be running.</summary>
    public static async Task<BackupManifest> CreateAsync(string dataPath, string output, CancellationToken ct)
    {
        var database = Path.Combine(dataPath, DatabasePath);
        if (!File.Exists(database)) throw new FileNotFoundException($"No embedded database at {database}: is {dataPath} a KnowledgePlatform data folder?", database);
        var snapshot = Path.Combine(Path.GetTempPath(), $"kp-backup-{Guid.NewGuid():N}.db");
        try
        {
            // One consistent snapshot of the database, whatever the server writes meanwhile (WAL included).
            await using (var source = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False"))
            await using (var target = new SqliteConnection($"Data Source={snapshot};Pooling=False"))
            {
                await source.OpenAsync(ct);
                await target.OpenAsync(ct);
                source.BackupDatabase(target);
            }

            await using var zipFile = new FileStream(output, FileMode.CreateNew, FileAccess.Write);
            await using var zip = new ZipArchive(zipFile, ZipArchiveMode.Create);
            var entries = new List<BackupEntry>();
            var leftOut = new List<string>();
            await using (var db = Open(snapshot))
            {
                var documents = await db.Documents.AsNoTracking().ToListAsync(ct);
                foreach (var document in documents)
                {
                    var copied = true;
                    foreach (var key in FileKeysOf(document))
                        copied &= await TryAddFileAsync(zip, Path.Combine(dataPath, "files"), key, entries, ct);
                    if (!copied) leftOut.Add(document.Id);
                }
                // A document deleted after the snapshot has no file left to copy: it leaves the backup too, whole.
                if (leftOut.Count > 0) await db.Documents.Where(d => leftOut.Contains(d.Id)).ExecuteDeleteAsync(ct);
            }
            SqliteConnection.ClearAllPools();
            entries.Add(await AddFileAsync(zip, DatabasePath, snapshot, ct));
            var manifest = await DescribeAsync(snapshot, entries, leftOut, ct);
            var manifestEntry = zip.CreateEntry(ManifestPath, CompressionLevel.Fastest);
            await using (var stream = await manifestEntry.OpenAsync(ct)) await JsonSerializer.SerializeAsync(stream, manifest, Json, ct);
            return manifest;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { snapshot, snapshot + "-wal", snapshot + "-shm" }) File.Delete(file);
        }
    }

    /// <summary>Unpacks a backup into an empty data folder, checking every entry against the manifest. The index is rebuilt by the caller.</summary>
    public static async Task<BackupManifest> RestoreAsync(string backup, string dataPath, CancellationToken ct)
    {
        if (Directory.Exists(dataPath) && Directory.EnumerateFileSystemEntries(dataPath).Any())
            throw new IOException($"{dataPath} is not empty: restore into an empty folder, then point Storage:DataPath at it.");
        await using var zipFile = new FileStream(backup, FileMode.Open, FileAccess.Read);
        await using var zip = new ZipArchive(zipFile, ZipArchiveMode.Read);
        var manifestEntry = zip.GetEntry(ManifestPath) ?? throw new InvalidDataException($"{backup} has no {ManifestPath}: it is not a KnowledgePlatform backup.");
        BackupManifest manifest;
        await using (var stream = await manifestEntry.OpenAsync(ct))
            manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, Json, ct) ?? throw new InvalidDataException("The backup's manifest is empty.");
        if (manifest.Format != FormatName || manifest.FormatVersion != FormatVersion)
            throw new InvalidDataException($"{backup} is a {manifest.Format} version {manifest.FormatVersion}; this kp restores {FormatName} version {FormatVersion}.");

        var root = Path.GetFullPath(dataPath);
        Directory.CreateDirectory(root);
        foreach (var expected in manifest.Entries)
        {
            // Entry names are looked up from the manifest and must stay inside the data folder.
            var target = Path.GetFullPath(Path.Combine(root, expected.Path));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !(expected.Path == DatabasePath || expected.Path.StartsWith(FilesPrefix, StringComparison.Ordinal)))
                throw new InvalidDataException($"The backup names an entry outside the data folder: {expected.Path}");
            var entry = zip.GetEntry(expected.Path) ?? throw new InvalidDataException($"The backup lacks {expected.Path}, which its manifest lists.");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using (var source = await entry.OpenAsync(ct))
            await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
                await source.CopyToAsync(file, ct);
            if (await Sha256Async(target, ct) != expected.Sha256)
                throw new InvalidDataException($"{expected.Path} does not match its SHA-256 in the manifest: the backup is damaged.");
        }
        return manifest;
    }

    /// <summary>The stored files a document needs: its latest version's and the indexed version's.</summary>
    public static IEnumerable<string> FileKeysOf(Document document) =>
        new[] { document.StorageKey, document.IndexedVersion is { } v && v != document.Version ? FileKeys.Version(document, v) : null }
            .OfType<string>().Distinct();

    private static async Task<bool> TryAddFileAsync(ZipArchive zip, string filesRoot, string key, List<BackupEntry> entries, CancellationToken ct)
    {
        var path = Path.Combine(filesRoot, key);
        try
        {
            entries.Add(await AddFileAsync(zip, FilesPrefix + key.Replace('\\', '/'), path, ct));
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    private static async Task<BackupEntry> AddFileAsync(ZipArchive zip, string name, string path, CancellationToken ct)
    {
        await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var (sha256, bytes) = await Files.HashedZipEntry.WriteAsync(zip, name, source, ct);
        return new BackupEntry(name, sha256, bytes);
    }

    private static async Task<BackupManifest> DescribeAsync(string snapshot, List<BackupEntry> entries, List<string> leftOut, CancellationToken ct)
    {
        await using var db = Open(snapshot);
        var byStatus = await db.Documents.AsNoTracking().GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var chunks = await db.Chunks.LongCountAsync(ct);
        var migration = (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault();
        return new BackupManifest(FormatName, FormatVersion, DateTimeOffset.UtcNow, migration,
            byStatus.ToDictionary(s => s.Key.ToString().ToLowerInvariant(), s => s.Count), chunks, entries, leftOut);
    }

    private static SqliteKnowledgeDbContext Open(string database)
    {
        var options = new DbContextOptionsBuilder<SqliteKnowledgeDbContext>();
        MetadataDatabase.UseSqlite(options, $"Data Source={database};Pooling=False");
        return new SqliteKnowledgeDbContext(options.Options);
    }

    private static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }
}
