using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Portal;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>
/// A portal user may ask as the widget or the API channel (the chat test and the widget preview) with the
/// X-KP-Test-Channel header; the request is then audited under that channel. Keys never may.
/// </summary>
public sealed class ChannelTestHeaderTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private const string Header = "X-KP-Test-Channel";
    private string _curatorId = "";

    protected override string TenantName => "shop";

    protected override string KnowledgeBase => "faq";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await PlatformHost.IngestAsync(Admin, "faq", "returns.md", "# Returns\n\nUnused items can be returned within 30 days of delivery for a full refund.", Ct);
        _curatorId = await PortalSession.CreateUserAsync(Host, Tenant.Key, Email("curator"), "curator", Ct);
    }

    private async Task<string> CreateKeyAsync(object request)
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/api-keys", request, PlatformHost.Json, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;
    }

    private static HttpRequestMessage Ask(string channel, string question = "How long do I have to return an item?") =>
        new(HttpMethod.Post, "/api/v1/knowledge-bases/faq/ask") { Content = JsonContent.Create(new { question }), Headers = { { Header, channel } } };

    private async Task<JsonElement> LatestAskAsync()
    {
        var records = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=ask&limit=1", Ct);
        return records[0];
    }

    private async Task<int> AsksAsync() => (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=ask&limit=500", Ct)).GetArrayLength();

    [Theory]
    [InlineData("widget")]
    [InlineData("api")]
    public async Task A_portal_user_asking_as_a_channel_is_answered_and_audited_under_that_channel_with_the_user_as_actor(string channel)
    {
        using var curator = await PortalSession.SignInAsync(Host, Email("curator"), Ct);

        using var asked = await curator.SendAsync(Ask(channel), Ct);

        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("30 days", (await asked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("answer").GetString());
        var record = await LatestAskAsync();
        Assert.Equal(channel, record.GetProperty("channel").GetString());
        Assert.Equal("user:" + _curatorId, record.GetProperty("actor").GetString());
        var ofChannel = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=ask&channel={channel}", Ct);
        Assert.Equal([record.GetProperty("id").GetString()], ofChannel.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToArray());
    }

    [Fact]
    public async Task Without_the_header_a_portal_user_asks_as_the_portal()
    {
        using var curator = await PortalSession.SignInAsync(Host, Email("curator"), Ct);
        using var asked = await curator.PostAsJsonAsync("/api/v1/knowledge-bases/faq/ask", new { question = "Can I return an item?" }, Ct);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal("portal", (await LatestAskAsync()).GetProperty("channel").GetString());
    }

    [Fact]
    public async Task A_key_cannot_pass_for_another_channel()
    {
        using var server = Host.Client(await CreateKeyAsync(new { name = "server", scopes = new[] { "ask" } }));
        using var widget = Host.Client(await CreateKeyAsync(new { name = "site", kind = "widget", knowledgeBases = new[] { "faq" }, allowedOrigins = new[] { "https://shop.example" } }));
        widget.DefaultRequestHeaders.Add("Origin", "https://shop.example");
        var before = await AsksAsync();

        foreach (var (client, channel) in new[] { (server, "widget"), (widget, "api"), (Admin, "widget") })
        {
            using var asked = await client.SendAsync(Ask(channel), Ct);
            Assert.Equal(HttpStatusCode.Forbidden, asked.StatusCode);
            Assert.Equal("channel_test_not_allowed", (await asked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        }
        Assert.Equal(before, await AsksAsync());
    }

    [Theory]
    [InlineData("portal")]
    [InlineData("sms")]
    public async Task A_channel_that_cannot_be_tested_is_refused(string channel)
    {
        using var curator = await PortalSession.SignInAsync(Host, Email("curator"), Ct);
        using var asked = await curator.SendAsync(Ask(channel), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, asked.StatusCode);
        Assert.Equal("unknown_channel", (await asked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_widget_preview_page_loads_the_served_widget_with_the_settings_attribute_encoded()
    {
        using var curator = await PortalSession.SignInAsync(Host, Email("curator"), Ct);
        using var page = await curator.GetAsync("/portal/widget-preview?kb=faq&title=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&lang=de&color=%23ff0000", Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<script src=\"/widget.js\" data-preview=\"true\" data-kb=\"faq\"", html);
        Assert.Contains("data-lang=\"de\"", html);
        Assert.Contains("data-color=\"#ff0000\"", html);
        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.Equal("SAMEORIGIN", page.Headers.GetValues("X-Frame-Options").Single());

        using var anonymous = Host.Client();
        using var refused = await anonymous.GetAsync("/portal/widget-preview?kb=faq", Ct);
        Assert.StartsWith("/portal/login", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain("data-preview", await refused.Content.ReadAsStringAsync(Ct));
    }
}
