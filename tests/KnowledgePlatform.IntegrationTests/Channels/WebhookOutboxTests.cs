using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>Handoff webhooks through the outbox (decision 0092): signed, retried with the same id until delivered, visible, sent again on request.</summary>
public abstract class WebhookOutboxTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : WebhookOutboxTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : WebhookOutboxTests(platform), IClassFixture<PostgresPlatform>;

    private readonly WebhookReceiver _receiver = new();

    /// <summary>One attempt a round, rounds half a second to a second apart, the outbox polled five times a second.</summary>
    private static readonly Dictionary<string, string> QuickRetries = new()
    {
        ["Channels:Handoff:RetriesPerRound"] = "0", ["Channels:Handoff:Rounds"] = "3",
        ["Channels:Handoff:FirstRetryDelay"] = "00:00:00.500", ["Channels:Handoff:MaxRetryDelay"] = "00:00:01",
        ["Channels:Handoff:PollInterval"] = "00:00:00.200",
    };

    protected override IReadOnlyDictionary<string, string> Settings => QuickRetries;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        using var put = await Admin.PutAsJsonAsync("/api/v1/widget-settings", new { handoffWebhookUrl = _receiver.Url }, Ct);
        put.EnsureSuccessStatusCode();
    }

    public override async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task<string> HandoffAsync(string message)
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/handoffs", new { message, contact = "ana@example.com" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> MessageAsync(string handoffId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var message = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/webhooks/messages", Ct)).EnumerateArray()
                .Single(m => m.GetProperty("subjectId").GetString() == handoffId);
            if (message.GetProperty("status").GetString() == status) return message;
            Assert.True(DateTime.UtcNow < deadline, $"the message is still {message.GetProperty("status").GetString()}, not {status}");
            await Task.Delay(100, Ct);
        }
    }

    private async Task<string> SecretAsync() =>
        (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/webhooks/signing-secret", Ct)).GetProperty("secret").GetString()!;

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
        var recorded = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/handoffs", Ct)).EnumerateArray().Single();
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
        using var rotated = await Admin.PostAsync("/api/v1/webhooks/signing-secret/rotate", null, Ct);
        var secret = (await rotated.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!;
        Assert.NotEqual(old, secret);
        await _receiver.StartAsync();
        using var retry = await Admin.PostAsync($"/api/v1/webhooks/messages/{failed.GetProperty("id").GetString()}/retry", null, Ct);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        await MessageAsync(handoff, "delivered");

        var call = Assert.Single(_receiver.Calls);
        Assert.True(WebhookReceiver.IsValid(call, secret));
        Assert.False(WebhookReceiver.IsValid(call, old));
        using var again = await Admin.PostAsync($"/api/v1/webhooks/messages/{failed.GetProperty("id").GetString()}/retry", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }
}
