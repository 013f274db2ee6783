using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Widget;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>Feedback, handoffs and widget settings over HTTP: tenant isolation, validation, and a webhook that never blocks.</summary>
public sealed class WidgetChannelTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private StaticSite _receiver = null!;
    private HttpClient _acme = null!;
    private HttpClient _globex = null!;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        // Two rounds of two one-second attempts, a second apart: the hanging receiver is given up on within seconds.
        ["Channels:Handoff:WebhookTimeout"] = "00:00:01",
        ["Channels:Handoff:RetriesPerRound"] = "1",
        ["Channels:Handoff:Rounds"] = "2",
        ["Channels:Handoff:FirstRetryDelay"] = "00:00:01",
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _acme = Admin;
        _globex = Client((await NewTenantAsync("globex", "support")).Key);
        await PlatformHost.IngestAsync(_acme, "support", "returns-policy.md", Encoding.UTF8.GetBytes(ApiJourneyTests.ReturnsPolicy), Ct);
        _receiver = await StaticSite.StartAsync(Path.Combine(SampleFiles.Folder, "customer-service-site"), Host.ClientOptions.BaseAddress.ToString());
    }

    public override async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<string> ConversationAsync()
    {
        using var asked = await _acme.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "How many days do I have to return a product?" }, Ct);
        return (await asked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("conversationId").GetString()!;
    }

    private async Task PutSettingsAsync(object settings)
    {
        using var put = await _acme.PutAsJsonAsync("/api/v1/widget-settings", settings, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    [Fact]
    public async Task A_handoff_is_answered_at_once_even_when_the_webhook_hangs_and_every_timed_out_attempt_is_recorded()
    {
        await PutSettingsAsync(new { handoffWebhookUrl = _receiver.Origin + "/hooks/slow" });
        var conversation = await ConversationAsync();

        var clock = Stopwatch.StartNew();
        using var handoff = await _acme.PostAsJsonAsync("/api/v1/handoffs", new { conversationId = conversation, message = "Call me" }, Ct);
        clock.Stop();

        Assert.Equal(HttpStatusCode.Accepted, handoff.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the visitor waited {clock.Elapsed}");
        var created = await handoff.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("pending", created.GetProperty("webhook").GetString());
        Assert.Equal("How many days do I have to return a product?", created.GetProperty("transcript")[0].GetProperty("question").GetString());

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement recorded;
        do
        {
            await Task.Delay(200, Ct);
            recorded = (await _acme.GetFromJsonAsync<JsonElement>("/api/v1/handoffs", Ct)).EnumerateArray()
                .Single(h => h.GetProperty("id").GetString() == created.GetProperty("id").GetString());
        }
        while (recorded.GetProperty("webhook").GetString() == "pending" && DateTime.UtcNow < deadline);
        Assert.Equal("failed", recorded.GetProperty("webhook").GetString());
        Assert.Equal("timeout", recorded.GetProperty("webhookResult").GetString());
        var message = Assert.Single((await _acme.GetFromJsonAsync<JsonElement>("/api/v1/webhooks/messages", Ct)).EnumerateArray());
        Assert.Equal(created.GetProperty("id").GetString(), message.GetProperty("subjectId").GetString());
        Assert.Equal(("failed", 2, 4), (message.GetProperty("status").GetString(), message.GetProperty("rounds").GetInt32(), message.GetProperty("attempts").GetInt32()));
    }

    [Fact]
    public async Task Another_tenants_conversation_cannot_be_rated_or_handed_over()
    {
        var conversation = await ConversationAsync();

        using var feedback = await _globex.PostAsJsonAsync("/api/v1/feedback", new { rating = "up", conversationId = conversation }, Ct);
        using var handoff = await _globex.PostAsJsonAsync("/api/v1/handoffs", new { conversationId = conversation }, Ct);

        Assert.Equal(HttpStatusCode.NotFound, feedback.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, handoff.StatusCode);
        Assert.Empty((await _globex.GetFromJsonAsync<JsonElement>("/api/v1/handoffs", Ct)).EnumerateArray());
    }

    [Fact]
    public async Task Feedback_is_validated_stored_and_audited_and_without_a_webhook_a_handoff_is_still_recorded()
    {
        var conversation = await ConversationAsync();
        using var bad = await _acme.PostAsJsonAsync("/api/v1/feedback", new { rating = "meh" }, Ct);
        Assert.Equal("invalid_rating", (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());

        using var good = await _acme.PostAsJsonAsync("/api/v1/feedback", new { rating = "up", conversationId = conversation, comment = "Clear, thanks" }, Ct);
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        using var handoff = await _acme.PostAsJsonAsync("/api/v1/handoffs", new { conversationId = conversation }, Ct);
        Assert.Equal("not_configured", (await handoff.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("webhook").GetString());

        var audit = await _acme.GetFromJsonAsync<JsonElement>("/api/v1/audit", Ct);
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("action").GetString() == "feedback" && a.GetProperty("subject").GetString() == conversation);
        Assert.Contains(audit.EnumerateArray(), a => a.GetProperty("action").GetString() == "handoff");
    }

    [Fact]
    public async Task Widget_settings_are_validated_and_the_webhook_address_never_reaches_the_widget()
    {
        using var bad = await _acme.PutAsJsonAsync("/api/v1/widget-settings", new { primaryColor = "red; background:url(x)" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_widget_settings", (await bad.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());

        await PutSettingsAsync(new { title = "Acme help", position = "bottom-left", language = "de", handoffWebhookUrl = "https://crm.example/hook" });
        var config = await _acme.GetStringAsync("/api/v1/widget/config", Ct);

        Assert.Contains("Acme help", config, StringComparison.Ordinal);
        Assert.Contains("bottom-left", config, StringComparison.Ordinal);
        Assert.DoesNotContain("crm.example", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_widget_keys_origins_are_changed_in_place_and_take_effect_on_the_next_request()
    {
        using var created = await _acme.PostAsJsonAsync("/api/v1/api-keys",
            new { name = "site", kind = "widget", knowledgeBases = new[] { "support" }, allowedOrigins = new[] { "https://old.example" } }, PlatformHost.Json, Ct);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = body.GetProperty("key").GetProperty("id").GetString()!;
        using var widget = Host.Client(body.GetProperty("secret").GetString()!);
        async Task<HttpStatusCode> FromAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/widget/config");
            request.Headers.Add("Origin", origin);
            using var response = await widget.SendAsync(request, Ct);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.Forbidden, await FromAsync("https://new.example"));

        using var patched = await _acme.PatchAsJsonAsync($"/api/v1/api-keys/{id}", new { name = "new site", allowedOrigins = new[] { " https://new.example/ " } }, Ct);
        var key = await patched.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("new site", key.GetProperty("name").GetString());
        Assert.Equal(["https://new.example"], key.GetProperty("allowedOrigins").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(HttpStatusCode.OK, await FromAsync("https://new.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await FromAsync("https://old.example"));

        // A path is no origin, an empty list would lock the widget out, a server key has no origins, another tenant's key is not found.
        foreach (var origins in new[] { new[] { "https://new.example/page" }, Array.Empty<string>() })
            using (var bad = await _acme.PatchAsJsonAsync($"/api/v1/api-keys/{id}", new { allowedOrigins = origins }, Ct))
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var serverKey = (await _acme.GetFromJsonAsync<JsonElement>("/api/v1/api-keys", Ct)).EnumerateArray().First(k => k.GetProperty("kind").GetString() == "server").GetProperty("id").GetString();
        using (var server = await _acme.PatchAsJsonAsync($"/api/v1/api-keys/{serverKey}", new { allowedOrigins = new[] { "https://new.example" } }, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, server.StatusCode);
        using (var other = await _globex.PatchAsJsonAsync($"/api/v1/api-keys/{id}", new { name = "taken" }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        var audit = await _acme.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=key.update", Ct);
        Assert.Equal(id, audit[0].GetProperty("subject").GetString());
    }
}
