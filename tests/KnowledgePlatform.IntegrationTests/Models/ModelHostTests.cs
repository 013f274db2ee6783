using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Models;

/// <summary>The OpenAI-compatible model host over real HTTP, serving the generated MoE model.</summary>
public sealed class ModelHostTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static object Chat(int maxTokens, bool stream, string model = TinyModel.Id) => new
    {
        model,
        messages = new object[] { new { role = "system", content = "Be brief." }, new { role = "user", content = new[] { new { type = "text", text = "Hello" } } } },
        stream,
        max_tokens = maxTokens,
        ignore_eos = true,
        seed = 1,
        stream_options = new { include_usage = true },
    };

    private static async Task<List<JsonElement>> ReadEvents(HttpResponseMessage response, CancellationToken ct)
    {
        var events = new List<JsonElement>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            if (line == "data: [DONE]") return events;
            events.Add(JsonDocument.Parse(line[6..]).RootElement.Clone());
        }
        throw new InvalidOperationException("The stream ended without [DONE].");
    }

    [Fact]
    public async Task Models_reports_the_architecture_experts_active_parameters_and_quantization()
    {
        await using var host = await ModelHostFixture.StartAsync();
        using var http = host.Client();

        var models = await http.GetFromJsonAsync<JsonElement>("/v1/models", _ct);

        var chat = models.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("kind").GetString() == "chat");
        Assert.Equal(TinyModel.Id, chat.GetProperty("id").GetString());
        Assert.Equal("qwen3moe", chat.GetProperty("architecture").GetString());
        Assert.Equal("F16", chat.GetProperty("quantization").GetString());
        Assert.Equal(4, chat.GetProperty("experts").GetProperty("count").GetInt32());
        Assert.Equal(2, chat.GetProperty("experts").GetProperty("used_per_token").GetInt32());
        var total = chat.GetProperty("parameters").GetProperty("total").GetInt64();
        var active = chat.GetProperty("parameters").GetProperty("active_per_token").GetInt64();
        Assert.True(active < total && active > total / 2, $"{active} of {total}");
        var embedding = models.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("kind").GetString() == "embedding");
        Assert.Equal(384, embedding.GetProperty("dimension").GetInt32());
    }

    [Fact]
    public async Task The_host_answers_the_orchestrators_probes_once_the_model_is_loaded()
    {
        await using var host = await ModelHostFixture.StartAsync();
        using var http = host.Client();

        using var live = await http.GetAsync("/health/live", _ct);
        using var ready = await http.GetAsync("/health/ready", _ct);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (live.StatusCode, ready.StatusCode));
    }

    [Fact]
    public async Task A_streamed_completion_sends_chunks_then_the_finish_reason_usage_and_done()
    {
        await using var host = await ModelHostFixture.StartAsync();
        using var http = host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat(12, stream: true)) };

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _ct);
        var events = await ReadEvents(response, _ct);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.All(events, e => Assert.Equal("chat.completion.chunk", e.GetProperty("object").GetString()));
        var choices = events.Where(e => e.GetProperty("choices").GetArrayLength() > 0).Select(e => e.GetProperty("choices")[0]).ToList();
        Assert.True(choices.Count(c => c.GetProperty("delta").TryGetProperty("content", out var t) && t.GetString()!.Length > 0) > 3);
        Assert.Equal("length", choices[^1].GetProperty("finish_reason").GetString());
        Assert.Equal(12, events[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_completion_respects_max_tokens()
    {
        await using var host = await ModelHostFixture.StartAsync();
        using var http = host.Client();

        using var response = await http.PostAsJsonAsync("/v1/chat/completions", Chat(7, stream: false), _ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(_ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("length", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(7, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_full_queue_answers_429_with_retry_after_and_cancelled_streams_free_their_place()
    {
        await using var host = await ModelHostFixture.StartAsync(new Dictionary<string, string?> { ["ModelHost:Sequences"] = "1", ["ModelHost:QueueLimit"] = "1" });
        using var http = host.Client();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_ct);

        // One request generating (long), one waiting for the sequence: the server is full.
        var running = http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat(1900, stream: true)) },
            HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        var waiting = http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat(1900, stream: true)) },
            HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        await WaitForInFlight(http, 2);

        using var refused = await http.PostAsJsonAsync("/v1/chat/completions", Chat(4, stream: false), _ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("error");
        Assert.Equal("queue_full", error.GetProperty("code").GetString());

        // Clients that go away stop their generation and leave the queue.
        await cancel.CancelAsync();
        await Task.WhenAll(running, waiting).ContinueWith(_ => { }, TaskScheduler.Default);
        await WaitForInFlight(http, 0);
        using var accepted = await http.PostAsJsonAsync("/v1/chat/completions", Chat(4, stream: false), _ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task An_unknown_model_name_is_404()
    {
        await using var host = await ModelHostFixture.StartAsync();
        using var http = host.Client();

        using var response = await http.PostAsJsonAsync("/v1/chat/completions", Chat(4, stream: false, model: "gpt-4"), _ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(TinyModel.Id, await response.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_model_stops_the_start_with_its_reason()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ModelHostFixture.StartAsync(modelPath: TinyModel.Damaged("missing-expert-count")));

        Assert.Contains("qwen3moe.expert_count is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_host_process_exits_with_a_message_on_a_malformed_model_instead_of_crashing()
    {
        var bad = TinyModel.Damaged("missing-expert-count");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "KnowledgePlatform.ModelHost.dll"), "--model", bad, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(_ct);
        await process.StandardOutput.ReadToEndAsync(_ct);
        await process.WaitForExitAsync(_ct);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("The model host cannot start", await stderr, StringComparison.Ordinal);
        Assert.Contains("expert_count is missing", await stderr, StringComparison.Ordinal);
    }

    private static async Task WaitForInFlight(HttpClient http, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var health = await http.GetFromJsonAsync<JsonElement>("/health");
            if (health.GetProperty("in_flight").GetInt32() == expected) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"in_flight never became {expected}.");
            await Task.Delay(20);
        }
    }
}
