using KnowledgePlatform.Ingestion.Sources.Web;
using Xunit;

namespace KnowledgePlatform.Tests.Sources;

/// <summary>robots.txt as RFC 9309 reads it.</summary>
public sealed class RobotsTxtTests
{
    private const string Token = "KnowledgePlatformSync";

    [Fact]
    public void The_longest_matching_rule_decides_and_allow_wins_a_tie()
    {
        var robots = RobotsTxt.Parse("""
            User-agent: *
            Disallow: /help/private/
            Allow: /help/private/faq
            Disallow: /*.pdf$
            Disallow: /search?
            Allow: /page
            Disallow: /page
            """, Token);

        Assert.True(robots.Allows("/help/start"));
        Assert.False(robots.Allows("/help/private/secret"));
        Assert.True(robots.Allows("/help/private/faq/returns"));
        Assert.False(robots.Allows("/files/manual.pdf"));
        Assert.True(robots.Allows("/files/manual.pdf?download=1"));
        Assert.False(robots.Allows("/search?q=filter"));
        Assert.True(robots.Allows("/search"));
        Assert.True(robots.Allows("/page"));
    }

    [Fact]
    public void A_group_naming_our_product_token_replaces_the_star_group_and_sets_the_crawl_delay()
    {
        var robots = RobotsTxt.Parse("""
            # Keep bots out of the shop.
            User-agent: *
            Disallow: /

            User-agent: Googlebot
            User-agent: knowledgeplatformsync
            Disallow: /cart
            Crawl-delay: 2.5

            Sitemap: https://shop.example/sitemap.xml
            """, Token);

        Assert.True(robots.Allows("/help"));
        Assert.False(robots.Allows("/cart/items"));
        Assert.Equal(TimeSpan.FromSeconds(2.5), robots.CrawlDelay);
        Assert.Equal(["https://shop.example/sitemap.xml"], robots.Sitemaps);
    }

    [Fact]
    public void An_empty_disallow_allows_everything_and_unknown_lines_are_ignored()
    {
        var robots = RobotsTxt.Parse("User-agent: *\r\nDisallow:\r\nNoindex: /x\r\ngarbage line\r\n", Token);

        Assert.True(robots.Allows("/anything"));
        Assert.Null(robots.CrawlDelay);
    }

    [Fact]
    public void Rules_with_non_ascii_characters_match_percent_encoded_paths()
    {
        var robots = RobotsTxt.Parse("User-agent: *\nDisallow: /fürth/\n", Token);

        Assert.False(robots.Allows("/f%C3%BCrth/plan"));
        Assert.True(robots.Allows("/furth/plan"));
    }
}
