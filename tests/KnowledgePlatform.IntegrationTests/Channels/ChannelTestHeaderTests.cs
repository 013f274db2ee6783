using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Portal;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>
/// A portal user may ask as the widget or the API channel (the chat test and the widget preview) with the
/// X-KP-Test-Channel header; the request is then audited under that channel. Keys never may.
/// </summary>
public sealed class ChannelTestHeaderTests : IAsyncLifetime
{
    private const string Header = "X-KP-Test-Channel";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly PlatformHost _host = new(PlatformHost.NewDataPath());
    private HttpClient _admin = null!;
    private string _curatorId = "";

    public async ValueTask InitializeAsync()
    {
        var key = await _host.CreateTenantAsync("shop", "faq", _ct);
        _admin = _host.Client(key);
        await PlatformHost.IngestAsync(_admin, "faq", "returns.md", "# Returns\n\nUnused items can be returned within 30 days of delivery for a full refund.", _ct);
        _curatorId = await PortalSession.CreateUserAsync(_host, key, "curator@shop.example", "curator", _ct);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<string> CreateKeyAsync(object request)
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/api-keys", request, PlatformHost.Json, _ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("secret").GetString()!;
    }

    private static HttpRequestMessage Ask(string channel, string question = "How long do I have to return an item?") =>
        new(HttpMethod.Post, "/api/v1/knowledge-bases/faq/ask") { Content = JsonContent.Create(new { question }), Headers = { { Header, channel } } };

    private async Task<JsonElement> LatestAskAsync()
    {
        var records = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=ask&limit=1", _ct);
        return records[0];
    }

    private async Task<int> AsksAsync() => (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=ask&limit=500", _ct)).GetArrayLength();

    [Theory]
    [InlineData("widget")]
    [InlineData("api")]
    public async Task A_portal_user_asking_as_a_channel_is_answered_and_audited_under_that_channel_with_the_user_as_actor(string channel)
    {
        using var curator = await PortalSession.SignInAsync(_host, "curator@shop.example", _ct);

        using var asked = await curator.SendAsync(Ask(channel), _ct);

        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("30 days", (await asked.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("answer").GetString());
        var record = await LatestAskAsync();
        Assert.Equal(channel, record.GetProperty("channel").GetString());
        Assert.Equal("user:" + _curatorId, record.GetProperty("actor").GetString());
        var ofChannel = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=ask&channel={channel}", _ct);
        Assert.Equal([record.GetProperty("id").GetString()], ofChannel.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToArray());
    }

    [Fact]
    public async Task Without_the_header_a_portal_user_asks_as_the_portal()
    {
        using var curator = await PortalSession.SignInAsync(_host, "curator@shop.example", _ct);
        using var asked = await curator.PostAsJsonAsync("/api/v1/knowledge-bases/faq/ask", new { question = "Can I return an item?" }, _ct);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal("portal", (await LatestAskAsync()).GetProperty("channel").GetString());
    }

    [Fact]
    public async Task A_key_cannot_pass_for_another_channel()
    {
        using var server = _host.Client(await CreateKeyAsync(new { name = "server", scopes = new[] { "ask" } }));
        using var widget = _host.Client(await CreateKeyAsync(new { name = "site", kind = "widget", knowledgeBases = new[] { "faq" }, allowedOrigins = new[] { "https://shop.example" } }));
        widget.DefaultRequestHeaders.Add("Origin", "https://shop.example");
        var before = await AsksAsync();

        foreach (var (client, channel) in new[] { (server, "widget"), (widget, "api"), (_admin, "widget") })
        {
            using var asked = await client.SendAsync(Ask(channel), _ct);
            Assert.Equal(HttpStatusCode.Forbidden, asked.StatusCode);
            Assert.Equal("channel_test_not_allowed", (await asked.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("code").GetString());
        }
        Assert.Equal(before, await AsksAsync());
    }

    [Theory]
    [InlineData("portal")]
    [InlineData("sms")]
    public async Task A_channel_that_cannot_be_tested_is_refused(string channel)
    {
        using var curator = await PortalSession.SignInAsync(_host, "curator@shop.example", _ct);
        using var asked = await curator.SendAsync(Ask(channel), _ct);
        Assert.Equal(HttpStatusCode.BadRequest, asked.StatusCode);
        Assert.Equal("unknown_channel", (await asked.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_widget_preview_page_loads_the_served_widget_with_the_settings_attribute_encoded()
    {
        using var curator = await PortalSession.SignInAsync(_host, "curator@shop.example", _ct);
        using var page = await curator.GetAsync("/portal/widget-preview?kb=faq&title=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&lang=de&color=%23ff0000", _ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(_ct);
        Assert.Contains("<script src=\"/widget.js\" data-preview=\"true\" data-kb=\"faq\"", html);
        Assert.Contains("data-lang=\"de\"", html);
        Assert.Contains("data-color=\"#ff0000\"", html);
        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.Equal("SAMEORIGIN", page.Headers.GetValues("X-Frame-Options").Single());

        using var anonymous = _host.Client();
        using var refused = await anonymous.GetAsync("/portal/widget-preview?kb=faq", _ct);
        Assert.StartsWith("/portal/login", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.DoesNotContain("data-preview", await refused.Content.ReadAsStringAsync(_ct));
    }
}
