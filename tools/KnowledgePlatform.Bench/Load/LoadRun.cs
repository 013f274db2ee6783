using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using KnowledgePlatform.Bench.Samples;

namespace KnowledgePlatform.Bench.Load;

/// <summary>One request's outcome: HTTP status (0: no response), total time, time to the first SSE event.</summary>
internal sealed record LoadOutcome(int Status, double TotalMs, double? FirstEventMs = null, string? Error = null, string? ConversationId = null)
{
    public bool Ok => Status is >= 200 and < 300 && Error is null;

    public bool Throttled => Status == 429;
}

/// <summary>The outcomes of one measured step, with the figures the bench prints.</summary>
internal sealed class LoadStep(string name, int clients, TimeSpan elapsed, IReadOnlyList<LoadOutcome> outcomes)
{
    public string Name => name;
    public int Clients => clients;
    public int Count => outcomes.Count;
    public int Errors => outcomes.Count(o => !o.Ok && !o.Throttled);
    public int Throttled => outcomes.Count(o => o.Throttled);
    public double PerSecond => outcomes.Count(o => o.Ok) / Math.Max(elapsed.TotalSeconds, 1e-9);
    public Percentiles Total { get; } = Percentiles.Of(outcomes.Where(o => o.Ok).Select(o => o.TotalMs));
    public Percentiles FirstEvent { get; } = Percentiles.Of(outcomes.Where(o => o.Ok && o.FirstEventMs is not null).Select(o => o.FirstEventMs!.Value));

    /// <summary>The distinct error kinds, for the report ("500 x3, sse error x1").</summary>
    public string ErrorKinds => string.Join(", ", outcomes.Where(o => !o.Ok && !o.Throttled)
        .GroupBy(o => o.Error ?? $"HTTP {o.Status}").Select(g => $"{g.Key} x{g.Count()}"));
}

internal sealed record Percentiles(int Count, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN);
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Length, At(0.50), At(0.95), At(0.99), sorted[^1]);
    }

    public static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);
}

/// <summary>The HTTP side of the load: search, streamed ask (SSE), upload, each timed and never throwing for a bad status.</summary>
internal sealed class LoadClient(Uri address) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromMinutes(5),
    };

    public async Task<LoadOutcome> SearchAsync(string key, string kb, string query, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/knowledge-bases/{kb}/search") { Content = JsonContent.Create(new { query }) };
        request.Headers.Add("X-Api-Key", key);
        return await TimedAsync(start, request, async response => { await response.Content.ReadAsByteArrayAsync(ct); return null; }, ct);
    }

    /// <summary>A streamed ask: time to the first SSE event and to the end; an "error" event counts as an error.</summary>
    public async Task<LoadOutcome> AskAsync(string key, string kb, string question, string? conversationId, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/knowledge-bases/{kb}/ask")
        {
            Content = JsonContent.Create(new { question, stream = true, conversationId }),
        };
        request.Headers.Add("X-Api-Key", key);
        double? first = null;
        string? conversation = null;
        var outcome = await TimedAsync(start, request, async response =>
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            string? error = null;
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
            {
                first ??= Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (item.EventType == "error") error = "sse error event";
                if (item.EventType == "done" && JsonDocument.Parse(item.Data).RootElement.TryGetProperty("conversationId", out var id))
                    conversation = id.GetString();
            }
            return error;
        }, ct);
        return outcome with { FirstEventMs = first, ConversationId = conversation };
    }

    public async Task<(LoadOutcome Outcome, string? StatusUrl)> UploadAsync(string key, string kb, string fileName, byte[] content, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(content), "file", fileName } };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/knowledge-bases/{kb}/documents") { Content = form };
        request.Headers.Add("X-Api-Key", key);
        string? statusUrl = null;
        var outcome = await TimedAsync(start, request, async response =>
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            statusUrl = body.TryGetProperty("statusUrl", out var url) ? url.GetString() : null;
            return null;
        }, ct);
        return (outcome, statusUrl);
    }

    public async Task<string?> DocumentStatusAsync(string key, string statusUrl, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, statusUrl.TrimStart('/'));
        request.Headers.Add("X-Api-Key", key);
        using var response = await _http.SendAsync(request, ct);
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetString() : null;
    }

    private async Task<LoadOutcome> TimedAsync(long start, HttpRequestMessage request, Func<HttpResponseMessage, Task<string?>> read, CancellationToken ct)
    {
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            string? error = null;
            if (response.IsSuccessStatusCode) error = await read(response);
            else await response.Content.ReadAsByteArrayAsync(ct);
            return new LoadOutcome((int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds, Error: error);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new LoadOutcome(0, Stopwatch.GetElapsedTime(start).TotalMilliseconds, Error: ex.GetType().Name);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Runs clients in parallel, bounded by a request count and a time limit.</summary>
internal static class LoadDriver
{
    /// <summary>
    /// <paramref name="clients"/> loops, each sending request after request until <paramref name="maxRequests"/>
    /// have been started or <paramref name="maxTime"/> is up; a request cut off by the time limit is not counted.
    /// </summary>
    public static async Task<LoadStep> RunAsync(string name, int clients, int maxRequests, TimeSpan maxTime,
        Func<int, CancellationToken, Task<LoadOutcome>> request, CancellationToken ct)
    {
        var outcomes = new ConcurrentQueue<LoadOutcome>();
        var issued = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(maxTime);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref issued);
                if (n > maxRequests) break;
                try
                {
                    var outcome = await request(n, stop.Token);
                    if (!stop.IsCancellationRequested || outcome.Ok) outcomes.Enqueue(outcome);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
            }
        }, CancellationToken.None)));
        ct.ThrowIfCancellationRequested();
        return new LoadStep(name, clients, clock.Elapsed, outcomes.ToList());
    }
}

/// <summary>The server's working set sampled once a second while the bench runs.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<(TimeSpan At, long Bytes)> _samples = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public MemorySampler(Func<long?> read, TimeSpan every)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                if (read() is { } bytes) _samples.Enqueue((_clock.Elapsed, bytes));
                try { await Task.Delay(every, _stop.Token); } catch (OperationCanceledException) { break; }
            }
        });
    }

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>The samples between two moments of the run.</summary>
    public IReadOnlyList<(TimeSpan At, long Bytes)> Between(TimeSpan from, TimeSpan to) => _samples.Where(s => s.At >= from && s.At <= to).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>Questions for the two demo knowledge bases: those written in samples/questions.md (with a few fallbacks).</summary>
internal static class LoadQuestions
{
    public static (IReadOnlyList<string> Medical, IReadOnlyList<string> Support) Read(string samples)
    {
        var written = File.Exists(Path.Combine(samples, "questions.md"))
            ? SampleQuestions.Read(samples).Where(q => q.Wording == SampleWording.Written).ToList()
            : [];
        List<string> Of(string kb) => [.. written.Where(q => q.KnowledgeBase == kb).Select(q => q.Text)];
        var (medical, support) = (Of(SampleQuestions.Medical), Of(SampleQuestions.CustomerService));
        if (medical.Count == 0) medical.AddRange(["What is the maximum daily dose of paracetamol?", "When should a patient with sepsis get antibiotics?"]);
        if (support.Count == 0) support.AddRange(["How long is the warranty on the Sweep S2?", "How do I return a product?"]);
        return (medical, support);
    }
}
