using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Json;
using System.Threading.Channels;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Channels;

/// <summary>Configuration section "Channels:Handoff".</summary>
public sealed class HandoffOptions
{
    public const string Section = "Channels:Handoff";

    /// <summary>How long one webhook call may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>What a handoff webhook receives (POST, JSON).</summary>
public sealed record HandoffNotification(
    string Event, string HandoffId, string TenantId, string? KnowledgeBaseId, string? ConversationId, string? Contact, string? Message,
    System.Text.Json.JsonElement Transcript, DateTimeOffset CreatedAt);

/// <summary>
/// Delivers handoffs to the tenant's (or widget key's) webhook in the background, one attempt with a
/// timeout, and records the outcome on the handoff: the visitor never waits for the tenant's systems.
/// </summary>
public sealed class HandoffWebhooks(
    IServiceScopeFactory scopes, IHttpClientFactory http, IOptions<HandoffOptions> options, ILogger<HandoffWebhooks> logger) : BackgroundService
{
    public const string ClientName = "handoff-webhooks";

    private readonly Channel<(string HandoffId, string Url)> _queue = Channel.CreateBounded<(string, string)>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Queues the delivery; false when the queue is full (the handoff stays recorded, marked failed).</summary>
    public bool Enqueue(string handoffId, string url) => _queue.Writer.TryWrite((handoffId, url));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (id, url) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await DeliverAsync(id, url, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Handoff {Handoff}: recording the webhook outcome failed", id);
            }
        }
    }

    private async Task DeliverAsync(string id, string url, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var handoff = await db.Handoffs.SingleAsync(h => h.Id == id, ct);
        using var transcript = System.Text.Json.JsonDocument.Parse(handoff.Transcript);
        var notification = new HandoffNotification("handoff.requested", handoff.Id, handoff.TenantId, handoff.KnowledgeBaseId, handoff.ConversationId,
            handoff.Contact, handoff.Message, transcript.RootElement.Clone(), handoff.CreatedAt);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.WebhookTimeout);
        try
        {
            using var response = await http.CreateClient(ClientName).PostAsJsonAsync(url, notification, timeout.Token);
            handoff.Webhook = response.IsSuccessStatusCode ? WebhookDelivery.Delivered : WebhookDelivery.Failed;
            handoff.WebhookResult = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            handoff.Webhook = WebhookDelivery.Failed;
            handoff.WebhookResult = ex is OperationCanceledException ? "timeout" : "unreachable";
            logger.LogWarning("Handoff {Handoff}: the webhook could not be reached ({Reason})", id, handoff.WebhookResult);
        }
        await db.SaveChangesAsync(ct);
    }
}
