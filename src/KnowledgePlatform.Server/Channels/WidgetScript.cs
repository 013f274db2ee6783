using System.IO.Compression;
using System.Security.Cryptography;

namespace KnowledgePlatform.Server.Channels;

/// <summary>The widget script, embedded in the server assembly (Channels/widget.js), with its gzipped form.</summary>
public sealed record WidgetScript(byte[] Plain, byte[] Gzipped, string ETag)
{
    public const string ResourceName = "KnowledgePlatform.Server.widget.js";

    public static WidgetScript Load()
    {
        using var resource = typeof(WidgetScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The widget script resource {ResourceName} is missing from the build.");
        using var plain = new MemoryStream();
        resource.CopyTo(plain);
        var bytes = plain.ToArray();
        using var zipped = new MemoryStream();
        using (var gzip = new GZipStream(zipped, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(bytes);
        return new WidgetScript(bytes, zipped.ToArray(), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
    }
}
