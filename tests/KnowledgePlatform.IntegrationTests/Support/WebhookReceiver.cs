using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.IntegrationTests.Support;

/// <summary>
/// A webhook receiver on a loopback port chosen up front, so a test can leave it down, start it later on the same
/// address, and stop it again. It records every POST (headers and raw body) and answers with the statuses it is given,
/// then 200. <see cref="IsValid"/> checks a signature the way docs/security.md tells receivers to, without the server's code.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<HttpStatusCode> _answers = new();
    private WebApplication? _app;

    public WebhookReceiver() => Port = LoopbackPort.Free();

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hooks/handoff";

    public sealed record Call(string Id, string Timestamp, string Signature, byte[] Body, HttpStatusCode Answered);

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>The next calls are answered with these statuses, in order; later ones with 200.</summary>
    public void AnswerNext(params HttpStatusCode[] statuses)
    {
        foreach (var status in statuses) _answers.Enqueue(status);
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks/handoff", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var status = _answers.TryDequeue(out var next) ? next : HttpStatusCode.OK;
            Calls.Enqueue(new Call(request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(),
                request.Headers["webhook-signature"].ToString(), body.ToArray(), status));
            return Results.StatusCode((int)status);
        });
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>
    /// The documented check: base64(HMAC-SHA256(key = base64-decoded secret after "whsec_", "{id}.{timestamp}.{body}")) is one of
    /// the space-separated "v1,…" signatures, and the timestamp is within five minutes.
    /// </summary>
    public static bool IsValid(Call call, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signed = Encoding.UTF8.GetBytes($"{call.Id}.{call.Timestamp}.").Concat(call.Body).ToArray();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
        var fresh = long.TryParse(call.Timestamp, out var seconds) && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) <= 300;
        return fresh && call.Signature.Split(' ').Contains(expected);
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
