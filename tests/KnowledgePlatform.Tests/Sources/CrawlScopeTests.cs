using System.Net;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Ingestion.Sources;
using KnowledgePlatform.Ingestion.Sources.Web;
using Xunit;

namespace KnowledgePlatform.Tests.Sources;

/// <summary>What a web source may read: its scope, the links of a page, a sitemap, and public addresses only.</summary>
public sealed class CrawlScopeTests
{
    private static CrawlScope Scope(int depth = 2) =>
        new(new WebSourceSettings { StartUrl = "https://help.example/support/index.html", PathPrefix = SourceRules.DefaultPathPrefix("https://help.example/support/index.html"), MaxDepth = depth });

    [Fact]
    public void Only_pages_on_the_same_host_under_the_prefix_and_within_the_depth_are_admitted()
    {
        var scope = Scope();

        Assert.True(scope.Admits(new Uri("https://help.example/support/returns"), 2));
        Assert.False(scope.Admits(new Uri("https://help.example/support/returns"), 3));
        Assert.False(scope.Admits(new Uri("https://help.example/blog/post"), 1));
        Assert.False(scope.Admits(new Uri("https://other.example/support/returns"), 1));
        Assert.False(scope.Admits(new Uri("http://help.example/support/returns"), 1));
        Assert.False(scope.Admits(new Uri("https://help.example:8443/support/returns"), 1));
        Assert.False(scope.Admits(new Uri("https://help.example/support/logo.png"), 1));
    }

    [Fact]
    public void Keys_drop_the_fragment_and_keep_the_query()
    {
        Assert.Equal("https://help.example/support/a?x=1", CrawlScope.Key(new Uri("https://HELP.example:443/support/a?x=1#part")));
        Assert.Null(CrawlScope.Key(new Uri("mailto:care@help.example")));
    }

    [Fact]
    public void Page_links_resolve_against_the_base_skip_nofollow_and_read_the_robots_meta_tag()
    {
        var page = PageLinks.Read("""
            <html><head><base href="https://help.example/support/"><meta name="ROBOTS" content="noindex, follow"></head>
            <body><a href="returns">Returns</a> <a href="/support/x" rel="nofollow">x</a> <a href="mailto:a@b.example">mail</a>
            <a href="https://other.example/">other</a></body></html>
            """, new Uri("https://help.example/support/index.html"));

        Assert.Equal([new Uri("https://help.example/support/returns"), new Uri("https://other.example/")], page.Links);
        Assert.True(page.NoIndex);
        Assert.False(page.NoFollow);
    }

    [Fact]
    public void A_sitemap_index_and_a_urlset_give_their_locations_and_a_dtd_is_refused()
    {
        var (pages, sitemaps) = Sitemap.Read(new MemoryStream("""
            <?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc> https://help.example/support/a </loc><lastmod>2026-01-01</lastmod></url><url><loc>https://help.example/support/b</loc></url></urlset>
            """u8.ToArray()));
        Assert.Equal(["https://help.example/support/a", "https://help.example/support/b"], pages);
        Assert.Empty(sitemaps);

        var (none, nested) = Sitemap.Read(new MemoryStream("""<sitemapindex><sitemap><loc>https://help.example/s1.xml</loc></sitemap></sitemapindex>"""u8.ToArray()));
        Assert.Empty(none);
        Assert.Equal(["https://help.example/s1.xml"], nested);

        Assert.Throws<System.Xml.XmlException>(() => Sitemap.Read(new MemoryStream("""<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><urlset><url><loc>&e;</loc></url></urlset>"""u8.ToArray())));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.10", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true)]
    public void Loopback_private_and_link_local_addresses_are_not_public(string address, bool isPublic) =>
        Assert.Equal(isPublic, PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("intranet.localhost", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("[::1]", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("help.example.com", false)]
    public void A_start_url_on_localhost_or_a_private_address_is_refused_before_any_request(string host, bool refused)
    {
        var problem = SourceRules.WebProblem(new WebSourceSettings { StartUrl = $"http://{host}/help/", PathPrefix = "/help/" }, allowPrivateNetworks: false);

        Assert.Equal(refused, problem?.Contains("Sources:AllowPrivateNetworks", StringComparison.Ordinal) == true);
        Assert.Null(SourceRules.WebProblem(new WebSourceSettings { StartUrl = $"http://{host}/help/", PathPrefix = "/help/" }, allowPrivateNetworks: true));
    }

    [Fact]
    public async Task A_name_that_resolves_to_a_loopback_address_is_refused_when_connecting_with_the_reason()
    {
        using var http = new HttpClient(new SocketsHttpHandler { ConnectCallback = PublicAddresses.Connect(allowPrivate: false) });

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("http://localhost:9/", TestContext.Current.CancellationToken));

        Assert.Equal(PublicAddresses.Refusal("localhost"), Assert.IsType<AddressNotAllowedException>(failure.InnerException).Message);
    }

    [Fact]
    public void Folder_sources_must_stay_inside_the_allowed_folders()
    {
        string[] allowed = ["/srv/shares"];

        Assert.Null(SourceRules.FolderProblem("/srv/shares/guidelines", allowed));
        Assert.Null(SourceRules.FolderProblem("/srv/shares", allowed));
        Assert.NotNull(SourceRules.FolderProblem("/srv/shares-evil", allowed));
        Assert.NotNull(SourceRules.FolderProblem("/srv/shares/../../etc", allowed));
        Assert.NotNull(SourceRules.FolderProblem("relative/path", allowed));
        Assert.Contains("Sources:AllowedFolders", SourceRules.FolderProblem("/srv/shares/x", []), StringComparison.Ordinal);
    }
}
