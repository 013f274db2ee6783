using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>Handoff webhooks through the outbox (decision 0092): signed, retried with the same id until delivered, visible, sent again on request.</summary>
public abstract class WebhookOutboxTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : WebhookOutboxTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : WebhookOutboxTests(TestDatabase.Postgres(server));

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private readonly WebhookReceiver _receiver = new();
    private PlatformHost _host = null!;
    private HttpClient _acme = null!;

    public async ValueTask InitializeAsync()
    {
        await database.CreateAsync(_data, _ct);
        _host = new PlatformHost(_data, database.With(new Dictionary<string, string>
        {
            ["Channels:Handoff:RetriesPerRound"] = "0",
            ["Channels:Handoff:Rounds"] = "3",
            ["Channels:Handoff:FirstRetryDelay"] = "00:00:00.500",
            ["Channels:Handoff:MaxRetryDelay"] = "00:00:01",
            ["Channels:Handoff:PollInterval"] = "00:00:00.200",
        }));
        _acme = _host.Client(await _host.CreateTenantAsync("acme", "support", _ct));
        using var put = await _acme.PutAsJsonAsync("/api/v1/widget-settings", new { handoffWebhookUrl = _receiver.Url }, _ct);
        put.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _acme.Dispose();
        await _receiver.DisposeAsync();
        await _host.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<string> HandoffAsync(string message)
    {
        using var response = await _acme.PostAsJsonAsync("/api/v1/handoffs", new { message, contact = "ana@example.com" }, _ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> MessageAsync(string handoffId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var message = (await _acme.GetFromJsonAsync<JsonElement>("/api/v1/webhooks/messages", _ct)).EnumerateArray()
                .Single(m => m.GetProperty("subjectId").GetString() == handoffId);
            if (message.GetProperty("status").GetString() == status) return message;
            Assert.True(DateTime.UtcNow < deadline, $"the message is still {message.GetProperty("status").GetString()}, not {status}");
            await Task.Delay(100, _ct);
        }
    }

    private async Task<string> SecretAsync() =>
        (await _acme.GetFromJsonAsync<JsonElement>("/api/v1/webhooks/signing-secret", _ct)).GetProperty("secret").GetString()!;

    [Fact]
    public async Task A_failed_delivery_is_retried_with_the_same_id_and_a_valid_signature_until_the_receiver_takes_it()
    {
        _receiver.AnswerNext(HttpStatusCode.ServiceUnavailable, HttpStatusCode.InternalServerError);
        await _receiver.StartAsync();

        var handoff = await HandoffAsync("Please call me back");
        var message = await MessageAsync(handoff, "delivered");

        var calls = _receiver.Calls.ToList();
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.InternalServerError, HttpStatusCode.OK], calls.Select(c => c.Answered));
        Assert.All(calls, c => Assert.Equal(message.GetProperty("id").GetString(), c.Id));
        var secret = await SecretAsync();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.All(calls, c => Assert.True(WebhookReceiver.IsValid(c, secret), "the signature does not verify"));
        var body = JsonDocument.Parse(calls[^1].Body).RootElement;
        Assert.Equal((handoff, "handoff.requested", "Please call me back"),
            (body.GetProperty("handoffId").GetString(), body.GetProperty("event").GetString(), body.GetProperty("message").GetString()));
        Assert.Equal((3, "200"), (message.GetProperty("attempts").GetInt32(), message.GetProperty("lastResult").GetString()));
        var recorded = (await _acme.GetFromJsonAsync<JsonElement>("/api/v1/handoffs", _ct)).EnumerateArray().Single();
        Assert.Equal("delivered", recorded.GetProperty("webhook").GetString());
    }

    [Fact]
    public async Task A_message_given_up_on_is_sent_again_on_request_and_signed_with_a_rotated_secret()
    {
        // Receiver down: every round fails, and the message is given up on after three.
        var handoff = await HandoffAsync("Nobody listens yet");
        var failed = await MessageAsync(handoff, "failed");
        Assert.Equal("unreachable", failed.GetProperty("lastResult").GetString());

        var old = await SecretAsync();
        using var rotated = await _acme.PostAsync("/api/v1/webhooks/signing-secret/rotate", null, _ct);
        var secret = (await rotated.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("secret").GetString()!;
        Assert.NotEqual(old, secret);
        await _receiver.StartAsync();
        using var retry = await _acme.PostAsync($"/api/v1/webhooks/messages/{failed.GetProperty("id").GetString()}/retry", null, _ct);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        await MessageAsync(handoff, "delivered");

        var call = Assert.Single(_receiver.Calls);
        Assert.True(WebhookReceiver.IsValid(call, secret));
        Assert.False(WebhookReceiver.IsValid(call, old));
        using var again = await _acme.PostAsync($"/api/v1/webhooks/messages/{failed.GetProperty("id").GetString()}/retry", null, _ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }
}
