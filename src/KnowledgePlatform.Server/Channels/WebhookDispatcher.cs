using System.Net;
using System.Net.Http.Headers;
using System.Text;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace KnowledgePlatform.Server.Channels;

/// <summary>
/// Delivers the webhook outbox (decision 0092). Every server runs one; a message is leased by one server at a time, so
/// replicas never send it twice at once. A round of attempts goes through the client's Polly pipeline (a timeout per
/// attempt, quick retries with exponential backoff and jitter); a failed round is scheduled again in the database, each
/// wait twice the last (with jitter), until <see cref="HandoffOptions.Rounds"/> rounds failed. Every attempt carries the
/// message's id, a timestamp and an HMAC-SHA256 signature with the tenant's secret (<see cref="WebhookSignature"/>).
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes, IHttpClientFactory http, IOptions<HandoffOptions> options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    public const string ClientName = "webhooks";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>Wakes the dispatcher: a message was just queued in this process.</summary>
    public void Notify() => _signal.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverNextAsync(stoppingToken))
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Webhook outbox: a delivery could not be claimed or recorded; trying again");
            }
            try
            {
                await _signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims one due message and makes one round of attempts; false when nothing is due.</summary>
    public async Task<bool> DeliverNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        if (await ClaimAsync(db, ct) is not { } message) return false;
        try
        {
            var (secret, _) = await scope.ServiceProvider.GetRequiredService<WebhookSecrets>().GetOrCreateAsync(message.TenantId, ct);
            var outcome = await SendAsync(message, secret, ct);
            await RecordAsync(db, message, outcome, CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: give the message back so another server (or this one, restarted) sends it at once.
            await db.WebhookMessages.Where(m => m.Id == message.Id && m.LeasedBy == _owner)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeasedBy, (string?)null).SetProperty(m => m.LeaseExpiresAt, (DateTimeOffset?)null), CancellationToken.None);
            throw;
        }
        return true;
    }

    private async Task<WebhookMessage?> ClaimAsync(KnowledgeDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await db.WebhookMessages.AsNoTracking()
            .Where(m => m.Status == WebhookMessageStatus.Pending && m.NextAttemptAt <= now && (m.LeaseExpiresAt == null || m.LeaseExpiresAt < now))
            .OrderBy(m => m.NextAttemptAt).Select(m => m.Id).Take(5).ToListAsync(ct);
        // A claim is finished even if shutdown begins: a claiming statement cancelled after the database ran it, or a
        // shutdown between the claim and the read, left the message leased to a stopped server for the whole lease
        // (ReplicaTests, under load). Claimed and read, it is either sent or given back (DeliverNextAsync).
        var handOver = CancellationToken.None;
        foreach (var id in due)
        {
            // Whoever updates the row first owns it; the others' conditions no longer hold.
            var claimed = await db.WebhookMessages
                .Where(m => m.Id == id && m.Status == WebhookMessageStatus.Pending && (m.LeaseExpiresAt == null || m.LeaseExpiresAt < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeasedBy, _owner).SetProperty(m => m.LeaseExpiresAt, now + Lease), handOver);
            if (claimed == 1) return await db.WebhookMessages.SingleAsync(m => m.Id == id, handOver);
        }
        return null;
    }

    private sealed record Outcome(int Attempts, string Result, bool Delivered, bool Gone);

    private async Task<Outcome> SendAsync(WebhookMessage message, string secret, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(message.Payload);
        var signature = WebhookSignature.Sign(secret, message.Id, clock.GetUtcNow().ToUnixTimeSeconds(), body);
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.IdHeader, signature.Id);
        request.Headers.Add(WebhookSignature.TimestampHeader, signature.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, signature.Signature);
        var attempts = new AttemptCounter();
        request.Options.Set(AttemptCounter.Key, attempts);
        try
        {
            using var response = await http.CreateClient(ClientName).SendAsync(request, ct);
            return new Outcome(attempts.Count, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
                response.IsSuccessStatusCode, response.StatusCode == HttpStatusCode.Gone);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return new Outcome(Math.Max(1, attempts.Count), ex is HttpRequestException ? "unreachable" : "timeout", false, false);
        }
    }

    private async Task RecordAsync(KnowledgeDbContext db, WebhookMessage message, Outcome outcome, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        message.Attempts += outcome.Attempts;
        message.Rounds++;
        message.LastAttemptAt = now;
        message.LastResult = outcome.Result;
        message.LeasedBy = null;
        message.LeaseExpiresAt = null;
        if (outcome.Delivered)
        {
            message.Status = WebhookMessageStatus.Delivered;
            message.DeliveredAt = now;
        }
        else if (outcome.Gone || message.Rounds >= options.Value.Rounds)
        {
            message.Status = WebhookMessageStatus.Failed;
            logger.LogWarning("Webhook message {Message} failed for good after {Attempts} attempts ({Result})", message.Id, message.Attempts, outcome.Result);
        }
        else
        {
            message.NextAttemptAt = now + RetrySchedule.Delay(message.Rounds, options.Value.FirstRetryDelay, options.Value.MaxRetryDelay, Random.Shared);
        }
        if (message.Event == HandoffWebhooks.Event && await db.Handoffs.FirstOrDefaultAsync(h => h.Id == message.SubjectId && h.TenantId == message.TenantId, ct) is { } handoff)
        {
            handoff.Webhook = message.Status switch
            {
                WebhookMessageStatus.Delivered => WebhookDelivery.Delivered,
                WebhookMessageStatus.Failed => WebhookDelivery.Failed,
                _ => WebhookDelivery.Pending,
            };
            handoff.WebhookResult = outcome.Result;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Counts the HTTP attempts the client's retries make for one request.</summary>
    internal sealed class AttemptCounter
    {
        public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("kp.webhook.attempts");
        private int _count;

        public int Count => _count;

        public void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>Inside the retry handler: sees every attempt.</summary>
    internal sealed class AttemptCountingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Options.TryGetValue(AttemptCounter.Key, out var counter)) counter.Add();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
