using AngleSharp.Html.Parser;

namespace KnowledgePlatform.Ingestion.Sources.Web;

/// <summary>What a crawler reads from a page besides its content: its links and what its robots meta tag asks.</summary>
public sealed record PageLinks(IReadOnlyList<Uri> Links, bool NoIndex, bool NoFollow)
{
    private const int MaxLinks = 2000;

    /// <summary>
    /// The page's &lt;a href&gt; and &lt;area href&gt; targets resolved against its URL (or its &lt;base href&gt;),
    /// without rel="nofollow" ones; and whether &lt;meta name="robots"&gt; says noindex or nofollow.
    /// </summary>
    public static PageLinks Read(string html, Uri page)
    {
        using var document = new HtmlParser().ParseDocument(html);
        var robots = string.Join(',', document.QuerySelectorAll("meta[name]")
            .Where(m => m.GetAttribute("name")?.Trim().ToLowerInvariant() is "robots")
            .Select(m => m.GetAttribute("content") ?? "")).ToLowerInvariant();
        var baseHref = document.QuerySelector("base[href]")?.GetAttribute("href");
        var baseUri = baseHref is not null && Uri.TryCreate(page, baseHref, out var b) ? b : page;
        var links = new List<Uri>();
        foreach (var anchor in document.QuerySelectorAll("a[href], area[href]"))
        {
            if ((anchor.GetAttribute("rel") ?? "").Contains("nofollow", StringComparison.OrdinalIgnoreCase)) continue;
            if (Uri.TryCreate(baseUri, anchor.GetAttribute("href")!.Trim(), out var target) && target.Scheme is "http" or "https") links.Add(target);
            if (links.Count == MaxLinks) break;
        }

        return new PageLinks(links, robots.Contains("noindex", StringComparison.Ordinal) || robots.Contains("none", StringComparison.Ordinal),
            robots.Contains("nofollow", StringComparison.Ordinal) || robots.Contains("none", StringComparison.Ordinal));
    }
}
