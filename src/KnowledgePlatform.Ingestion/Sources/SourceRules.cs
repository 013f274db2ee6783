using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Ingestion.Sources.Web;

namespace KnowledgePlatform.Ingestion.Sources;

/// <summary>What a source's settings must be, in words a curator can act on; shared by the API and the sync itself.</summary>
public static class SourceRules
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(5);

    /// <summary>Why the web settings cannot be used, or null. <paramref name="allowPrivateNetworks"/>: Sources:AllowPrivateNetworks.</summary>
    public static string? WebProblem(WebSourceSettings web, bool allowPrivateNetworks)
    {
        if (!Uri.TryCreate(web.StartUrl, UriKind.Absolute, out var start) || start.Scheme is not ("http" or "https"))
            return "The start URL must be an absolute http:// or https:// address.";
        if (start.UserInfo.Length > 0) return "The start URL must not carry a user name or password.";
        if (!allowPrivateNetworks && PublicAddresses.IsPrivateLiteral(start.Host)) return PublicAddresses.Refusal(start.Host);
        if (!web.PathPrefix.StartsWith('/')) return "The path prefix must start with '/'.";
        if (!start.AbsolutePath.StartsWith(web.PathPrefix, StringComparison.Ordinal))
            return $"The start URL's path ({start.AbsolutePath}) must be under the path prefix ({web.PathPrefix}).";
        if (web.MaxDepth is < 0 or > 20) return "The depth limit must be between 0 and 20 links.";
        if (web.MaxPages is < 1 or > 100_000) return "The page limit must be between 1 and 100,000 pages.";
        if (web.RequestInterval < TimeSpan.Zero || web.RequestInterval > TimeSpan.FromMinutes(1))
            return "The pause between requests must be between 0 and 60 seconds.";
        return null;
    }

    /// <summary>Why the folder cannot be read by sources on this server, or null. <paramref name="allowed"/>: Sources:AllowedFolders.</summary>
    public static string? FolderProblem(string path, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path)) return "Give the folder as an absolute path on the server.";
        if (allowed.Count == 0)
            return "Folder sources are off on this server: an administrator lists the folders sources may read in Sources:AllowedFolders.";
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var inside = allowed.Select(a => Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)))
            .Any(root => full == root || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        return inside ? null : $"{path} is not inside a folder this server lets sources read ({string.Join(", ", allowed)}).";
    }

    /// <summary>Why the schedule or grace period cannot be used, or null.</summary>
    public static string? ScheduleProblem(TimeSpan? interval, TimeSpan grace)
    {
        if (interval is { } every && (every < MinInterval || every > TimeSpan.FromDays(31)))
            return $"A source syncs at most every {MinInterval.TotalMinutes:0} minutes and at least once a month.";
        if (grace < TimeSpan.Zero || grace > TimeSpan.FromDays(365)) return "The grace period must be between 0 and 365 days.";
        return null;
    }

    /// <summary>The folder of the start URL: what a web source reads by default ("/help/" for /help/index.html).</summary>
    public static string DefaultPathPrefix(string startUrl) =>
        Uri.TryCreate(startUrl, UriKind.Absolute, out var uri) ? uri.AbsolutePath[..(uri.AbsolutePath.LastIndexOf('/') + 1)] : "/";
}
