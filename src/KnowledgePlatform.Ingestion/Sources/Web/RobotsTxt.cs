using System.Globalization;
using System.Text;

namespace KnowledgePlatform.Ingestion.Sources.Web;

/// <summary>
/// A site's robots.txt as RFC 9309 reads it: the groups whose user-agent names our product token (or, when none
/// does, the "*" groups) apply; the longest matching allow or disallow rule decides, allow winning a tie; '*'
/// matches any characters and a final '$' the end of the path. Crawl-delay, which many sites use though the RFC
/// does not define it, sets the least pause between requests.
/// </summary>
public sealed class RobotsTxt
{
    /// <summary>Parsing stops here (RFC 9309 asks crawlers to read at least 500 KiB).</summary>
    public const int MaxBytes = 512 * 1024;

    private readonly List<Rule> _rules;

    private RobotsTxt(List<Rule> rules, TimeSpan? crawlDelay, IReadOnlyList<string> sitemaps) =>
        (_rules, CrawlDelay, Sitemaps) = (rules, crawlDelay, sitemaps);

    /// <summary>Everything allowed: the site has no robots.txt (a 4xx answer).</summary>
    public static RobotsTxt AllowAll { get; } = new([], null, []);

    public TimeSpan? CrawlDelay { get; }

    /// <summary>Sitemap URLs the file lists.</summary>
    public IReadOnlyList<string> Sitemaps { get; }

    public static RobotsTxt Parse(string text, string productToken)
    {
        var groups = new List<Group>();
        var sitemaps = new List<string>();
        Group? current = null;
        var lastWasAgent = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var field = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            switch (field)
            {
                case "user-agent":
                    if (!lastWasAgent || current is null)
                    {
                        current = new Group();
                        groups.Add(current);
                    }

                    current.Agents.Add(value.ToLowerInvariant());
                    lastWasAgent = true;
                    continue;
                case "allow" or "disallow" when current is not null:
                    if (value.Length > 0 || field == "allow")
                    {
                        current.Rules.Add(new Rule(field == "allow", value));
                    }

                    break;
                case "crawl-delay" when current is not null:
                    if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                    {
                        current.CrawlDelay = TimeSpan.FromSeconds(Math.Min(seconds, 60));
                    }

                    break;
                case "sitemap":
                    sitemaps.Add(value);
                    break;
            }

            lastWasAgent = false;
        }

        var token = productToken.ToLowerInvariant();
        var ours = groups.Where(g => g.Agents.Contains(token)).ToList();
        var applying = ours.Count > 0 ? ours : groups.Where(g => g.Agents.Contains("*")).ToList();
        return new RobotsTxt(
            applying.SelectMany(g => g.Rules).ToList(),
            applying.Select(g => g.CrawlDelay).Where(d => d is not null).DefaultIfEmpty(null).Max(),
            sitemaps);
    }

    /// <summary>Whether the path (with its query) may be fetched.</summary>
    public bool Allows(string pathAndQuery)
    {
        Rule? best = null;
        foreach (var rule in _rules)
        {
            if (rule.Pattern.Length == 0 || !Matches(rule.Pattern, pathAndQuery))
            {
                continue;
            }

            if (best is null || rule.Pattern.Length > best.Pattern.Length || (rule.Pattern.Length == best.Pattern.Length && rule.Allow))
            {
                best = rule;
            }
        }

        return best?.Allow ?? true;
    }

    /// <summary>'*' matches any run of characters, a final '$' the end; otherwise a pattern matches a prefix.</summary>
    private static bool Matches(string pattern, string path)
    {
        var anchored = pattern.EndsWith('$');
        var parts = Normalize(anchored ? pattern[..^1] : pattern).Split('*');
        path = Normalize(path);
        if (!path.StartsWith(parts[0], StringComparison.Ordinal))
        {
            return false;
        }

        var at = parts[0].Length;
        for (var i = 1; i < parts.Length; i++)
        {
            var found = i == parts.Length - 1 && anchored
                ? (path.Length - parts[i].Length >= at && path.EndsWith(parts[i], StringComparison.Ordinal) ? path.Length - parts[i].Length : -1)
                : path.IndexOf(parts[i], at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            at = found + parts[i].Length;
        }

        return !anchored || at == path.Length;
    }

    /// <summary>Percent-encodes what a path would carry encoded, so "/é" in a rule matches "/%C3%A9" in a URL.</summary>
    private static string Normalize(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b > 0x7F || b <= 0x20)
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append((char)b);
            }
        }

        return builder.ToString();
    }

    private sealed class Group
    {
        public List<string> Agents { get; } = [];
        public List<Rule> Rules { get; } = [];
        public TimeSpan? CrawlDelay { get; set; }
    }

    private sealed record Rule(bool Allow, string Pattern);
}
