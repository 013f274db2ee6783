namespace KnowledgePlatform.Core.Domain;

/// <summary>What a web source reads: the pages under <see cref="PathPrefix"/> on the start URL's host.</summary>
public sealed record WebSourceSettings
{
    /// <summary>The first page, or a sitemap (a URL whose path ends in .xml) listing the pages.</summary>
    public required string StartUrl { get; init; }
    /// <summary>Only URLs whose path starts with this are fetched; by default the start URL's folder.</summary>
    public required string PathPrefix { get; init; }
    /// <summary>How many links away from the start URL (or a sitemap entry) pages are still followed.</summary>
    public int MaxDepth { get; init; } = 5;
    /// <summary>The most pages one sync fetches.</summary>
    public int MaxPages { get; init; } = 1000;
    /// <summary>The pause between two requests to the site (robots.txt's Crawl-delay wins when it is longer).</summary>
    public TimeSpan RequestInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
