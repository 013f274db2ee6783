using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Widget;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>Feedback, handoffs and widget settings over HTTP: tenant isolation, validation, and a webhook that never blocks.</summary>
public sealed class WidgetChannelTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private StaticSite _receiver = null!;
    private HttpClient _acme = null!;
    private HttpClient _globex = null!;

    public async ValueTask InitializeAsync()
    {
        _host = new PlatformHost(_data, new Dictionary<string, string>
        {
            // Two rounds of two one-second attempts, a second apart: the hanging receiver is given up on within seconds.
            ["Channels:Handoff:WebhookTimeout"] = "00:00:01",
            ["Channels:Handoff:RetriesPerRound"] = "1",
            ["Channels:Handoff:Rounds"] = "2",
            ["Channels:Handoff:FirstRetryDelay"] = "00:00:01",
        });
        _acme = _host.Client(await _host.CreateTenantAsync("acme", "support", _ct));
        _globex = _host.Client(await _host.CreateTenantAsync("globex", "support", _ct));
        await PlatformHost.IngestAsync(_acme, "support", "returns-policy.md", Encoding.UTF8.GetBytes(ApiJourneyTests.ReturnsPolicy), _ct);
        _receiver = await StaticSite.StartAsync(Path.Combine(SampleFiles.Folder, "customer-service-site"), _host.ClientOptions.BaseAddress.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        _acme.Dispose();
        _globex.Dispose();
        await _receiver.DisposeAsync();
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<string> ConversationAsync()
    {
        using var asked = await _acme.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "How many days do I have to return a product?" }, _ct);
        return (await asked.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("conversationId").GetString()!;
    }

    private async Task PutSettingsAsync(object settings)
    {
        using var put = await _acme.PutAsJsonAsync("/api/v1/widget-settings", settings, _ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    [Fact]
    public async Task A_handoff_is_answered_at_once_even_when_the_webhook_hangs_and_every_timed_out_attempt_is_recorded()
    {
        await PutSettingsAsync(new { handoffWebhookUrl = _receiver.Origin + "/hooks/slow" });
        var conversation = await ConversationAsync();

        var clock = Stopwatch.StartNew();
        using var handoff = await _acme.PostAsJsonAsync("/api/v1/handoffs", new { conversationId = conversation, message = "Call me" }, _ct);
        clock.Stop();

        Assert.Equal(HttpStatusCode.Accepted, handoff.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the visitor waited {clock.Elapsed}");
        var created = await handoff.Content.ReadFromJsonAsync<JsonElement>(_ct);
        Assert.Equal("pending", created.GetProperty("webhook").GetString());
        Assert.Equal("How many days do I have to return a product?", created.GetProperty("transcript")[0].GetProperty("question").GetString());

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement recorded;
        do
        {
            await Task.Delay(200, _ct);
            recorded = (await _acme.GetFromJsonAsync<JsonElement>("/api/v1/handoffs", _ct)).EnumerateArray()
                .Single(h => h.GetProperty("id").GetString() == created.GetProperty("id").GetString());
        }
        while (recorded.GetProperty("webhook").GetString() == "pending" && DateTime.UtcNow < deadline);
        Assert.Equal("failed", recorded.GetProperty("webhook").GetString());
        Assert.Equal("timeout", recorded.GetProperty("webhookResult").GetString());
        var message = Assert.Single((await _acme.GetFromJsonAsync<JsonElement>("/api/v1/webhooks/messages", _ct)).EnumerateArray());
        Assert.Equal(created.GetProperty("id").GetString(), message.GetProperty("subjectId").GetString());
        Assert.Equal(("failed", 2, 4), (message.GetProperty("status").GetString(), message.GetProperty("rounds").GetInt32(), message.GetProperty("attempts").GetInt32()));
    }

    [Fact]
    public async Task Another_tenants_conversation_cannot_be_rated_or_handed_over()
    {
        var conversation = await ConversationAsync();

        using var feedback = await _globex.PostAsJsonAsync("/api/v1/feedback", new { rating = "up", conversationId = conversation }, _ct);
        using var handoff = await _globex.PostAsJsonAsync("/api/v1/handoffs", new { conversationId = conversation }, _ct);

        Assert.Equal(HttpStatusCode.NotFound, feedback.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, handoff.StatusCode);
        Assert.Empty((await _globex.GetFromJsonAsync<JsonElement>("/api/v1/handoffs", _ct)).EnumerateArray());
    }

    [Fact]
    public async Task Feedback_is_validated_stored_and_audited_and_without_a_webhook_a_handoff_is_still_recorded()
    {
        var conversation = await ConversationAsync();
        using var bad = await _acme.PostAsJsonAsync("/api/v1/feedback", new { rating = "meh" }, _ct);
        Assert.Equal("invalid_rating", (await bad.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("code").GetString());

        using var good = await _acme.PostAsJsonAsync("/api/v1/feedback", new { rating = "up", conversationId = conversation, comment = "Clear, thanks" }, _ct);
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        using var handoff = await _acme.PostAsJsonAsync("/api/v1/handoffs", new { conversationId = conversation }, _ct);
        Assert.Equal("not_configured", (await handoff.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("webhook").GetString());

        var audit = await _acme.GetFromJsonAsync<JsonElement>("/api/v1/audit", _ct);
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("action").GetString() == "feedback" && a.GetProperty("subject").GetString() == conversation);
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("action").GetString() == "handoff");
    }

    [Fact]
    public async Task Widget_settings_are_validated_and_the_webhook_address_never_reaches_the_widget()
    {
        using var bad = await _acme.PutAsJsonAsync("/api/v1/widget-settings", new { primaryColor = "red; background:url(x)" }, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_widget_settings", (await bad.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("code").GetString());

        await PutSettingsAsync(new { title = "Acme help", position = "bottom-left", language = "de", handoffWebhookUrl = "https://crm.example/hook" });
        var config = await _acme.GetStringAsync("/api/v1/widget/config", _ct);

        Assert.Contains("Acme help", config, StringComparison.Ordinal);
        Assert.Contains("bottom-left", config, StringComparison.Ordinal);
        Assert.DoesNotContain("crm.example", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_widget_keys_origins_are_changed_in_place_and_take_effect_on_the_next_request()
    {
        using var created = await _acme.PostAsJsonAsync("/api/v1/api-keys",
            new { name = "site", kind = "widget", knowledgeBases = new[] { "support" }, allowedOrigins = new[] { "https://old.example" } }, PlatformHost.Json, _ct);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(_ct);
        var id = body.GetProperty("key").GetProperty("id").GetString()!;
        using var widget = _host.Client(body.GetProperty("secret").GetString()!);
        async Task<HttpStatusCode> FromAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/widget/config");
            request.Headers.Add("Origin", origin);
            using var response = await widget.SendAsync(request, _ct);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.Forbidden, await FromAsync("https://new.example"));

        using var patched = await _acme.PatchAsJsonAsync($"/api/v1/api-keys/{id}", new { name = "new site", allowedOrigins = new[] { " https://new.example/ " } }, _ct);
        var key = await patched.Content.ReadFromJsonAsync<JsonElement>(_ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("new site", key.GetProperty("name").GetString());
        Assert.Equal(["https://new.example"], key.GetProperty("allowedOrigins").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(HttpStatusCode.OK, await FromAsync("https://new.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await FromAsync("https://old.example"));

        // A path is no origin, an empty list would lock the widget out, a server key has no origins, another tenant's key is not found.
        foreach (var origins in new[] { new[] { "https://new.example/page" }, Array.Empty<string>() })
            using (var bad = await _acme.PatchAsJsonAsync($"/api/v1/api-keys/{id}", new { allowedOrigins = origins }, _ct))
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var serverKey = (await _acme.GetFromJsonAsync<JsonElement>("/api/v1/api-keys", _ct)).EnumerateArray().First(k => k.GetProperty("kind").GetString() == "server").GetProperty("id").GetString();
        using (var server = await _acme.PatchAsJsonAsync($"/api/v1/api-keys/{serverKey}", new { allowedOrigins = new[] { "https://new.example" } }, _ct))
            Assert.Equal(HttpStatusCode.BadRequest, server.StatusCode);
        using (var other = await _globex.PatchAsJsonAsync($"/api/v1/api-keys/{id}", new { name = "taken" }, _ct))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        var audit = await _acme.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=key.update", _ct);
        Assert.Equal(id, audit[0].GetProperty("subject").GetString());
    }
}
