using System.IO.Compression;
using System.Security.Cryptography;

namespace KnowledgePlatform.Infrastructure.Files;

/// <summary>Writes a zip entry and hashes what it wrote in the same pass: packages and backups record each entry's SHA-256.</summary>
public static class HashedZipEntry
{
    /// <summary>Copies <paramref name="content"/> into a new entry; returns its SHA-256 (lower-case hex) and length.</summary>
    public static async Task<(string Sha256, long Bytes)> WriteAsync(ZipArchive zip, string name, Stream content, CancellationToken ct)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        await using var target = await entry.OpenAsync(ct);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, ct)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
            total += read;
        }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), total);
    }
}
