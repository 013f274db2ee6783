using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Ingestion.Sources.Web;

/// <summary>
/// The pages a web source reads: the start URL's scheme, host and port, paths under the prefix, within the depth
/// limit; never files that are no documents (images, scripts, archives). URLs are keyed without their fragment.
/// </summary>
public sealed class CrawlScope(WebSourceSettings settings)
{
    /// <summary>URLs longer than this are not followed (they are usually generated, endless variants).</summary>
    public const int MaxUrlLength = 2000;

    private static readonly HashSet<string> NotDocuments = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".bmp", ".tif", ".tiff", ".css", ".js", ".mjs", ".map", ".json",
        ".woff", ".woff2", ".ttf", ".otf", ".eot", ".zip", ".gz", ".tgz", ".rar", ".7z", ".exe", ".dmg", ".msi", ".iso",
        ".mp3", ".mp4", ".m4a", ".wav", ".avi", ".mov", ".webm", ".ogg", ".rss", ".atom",
    };

    private readonly Uri _start = new(settings.StartUrl);

    public Uri Start => _start;

    /// <summary>The start URL names a sitemap rather than a page.</summary>
    public bool StartIsSitemap => _start.AbsolutePath.EndsWith(".xml", StringComparison.OrdinalIgnoreCase);

    /// <summary>The key of a URL: absolute, without the fragment; null for anything that is no http(s) URL.</summary>
    public static string? Key(Uri uri) =>
        uri.IsAbsoluteUri && uri.Scheme is "http" or "https" ? uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped) : null;

    /// <summary>Whether a page at <paramref name="depth"/> links from the start may be read.</summary>
    public bool Admits(Uri uri, int depth) =>
        depth <= settings.MaxDepth
        && string.Equals(uri.Scheme, _start.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.IdnHost, _start.IdnHost, StringComparison.OrdinalIgnoreCase)
        && uri.Port == _start.Port
        && uri.AbsolutePath.StartsWith(settings.PathPrefix, StringComparison.Ordinal)
        && !NotDocuments.Contains(Path.GetExtension(uri.AbsolutePath))
        && uri.AbsoluteUri.Length <= MaxUrlLength;
}
