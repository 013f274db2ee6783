using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Text.Json;
using KnowledgePlatform.Bench.ModelFiles;
using KnowledgePlatform.Infrastructure.ChatModels;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Faults;

/// <summary>
/// Streaming answers when things stop: the model host as its own process (as in production) killed with
/// SIGKILL while it streams and started again on the same port; the server itself stopped gracefully
/// (what SIGTERM does) while it streams.
/// </summary>
public sealed class ModelHostCrashTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private readonly string _modelFolder = Directory.CreateTempSubdirectory("kp-crash-moe-").FullName;
    private readonly int _port = LoopbackPort.Free();
    private Process? _modelHost;

    // The test starts the server against a model host process it kills and starts again.
    protected override bool StartsServer => false;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // One token per byte: a long context lets the host stream long enough to be killed mid-answer.
        TinyMoeModel.Write(Path.Combine(_modelFolder, "tiny-moe.gguf"), new TinyMoeModel.Options { ContextLength = 8192 });
    }

    public override async ValueTask DisposeAsync()
    {
        StopModelHost();
        Directory.Delete(_modelFolder, recursive: true);
        await base.DisposeAsync();
    }

    [Fact]
    public async Task A_model_host_killed_mid_stream_ends_the_answer_with_an_error_event_and_the_next_ask_works_once_it_is_back()
    {
        await StartModelHostAsync();
        await using var host = ServerWithModelHost();
        using var client = await SeededClientAsync(host);

        // A first, complete turn.
        var first = await AskAsync(client, null, afterFirstDelta: null);
        var conversation = Assert.Single(first, e => e.Type == "done").Data.GetProperty("conversationId").GetString()!;

        // The host dies while it generates the next answer (a new question: a follow-up would first be rewritten by the
        // model). Killed as soon as it reports the generation in flight: claim-level grounding holds the model's text back
        // until a claim is checked, so the first delta may never come before the end.
        var killer = KillWhileGeneratingAsync();
        var broken = await AskAsync(client, null, afterFirstDelta: null);
        await killer;
        Assert.DoesNotContain(broken, e => e.Type == "done");
        var error = broken[^1];
        Assert.Equal("error", error.Type);
        Assert.Equal("answer_failed", error.Data.GetProperty("code").GetString());

        // While it is down, an ask fails cleanly too (an error event, never a hang).
        var whileDown = await AskAsync(client, null, afterFirstDelta: null);
        Assert.Equal("error", whileDown[^1].Type);

        // Back on the same port: the first conversation continues.
        await StartModelHostAsync();
        var again = await AskAsync(client, conversation, afterFirstDelta: null);
        Assert.Equal(conversation, Assert.Single(again, e => e.Type == "done").Data.GetProperty("conversationId").GetString());

        // Consistent: the completed turns only, in order; nothing stored for the broken answers.
        await using var scope = host.Services.CreateAsyncScope();
        var turns = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().ConversationTurns.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(2, turns.Count);
        Assert.All(turns, t => Assert.Equal(conversation, t.ConversationId));
        Assert.Equal([0, 1], turns.Select(t => t.Ordinal).Order().Select(o => o - turns.Min(t => t.Ordinal)));
        Assert.All(turns, t => Assert.False(string.IsNullOrEmpty(t.Answer)));
    }

    [Fact]
    public async Task A_graceful_stop_while_an_answer_streams_lets_it_finish_and_its_conversation_continues_after_a_restart()
    {
        await StartModelHostAsync();
        var first = ServerWithModelHost();
        using var client = await SeededClientAsync(first);
        Task? stopping = null;

        // SIGTERM arrives while the answer streams: the host stops gracefully, in-flight requests may finish.
        var events = await AskAsync(client, null, afterFirstDelta: () => stopping = Task.Run(async () => await first.DisposeAsync()));
        await stopping!;

        var done = Assert.Single(events, e => e.Type == "done").Data;
        Assert.DoesNotContain(events, e => e.Type == "error");
        var conversation = done.GetProperty("conversationId").GetString()!;

        await using var second = ServerWithModelHost();
        using var again = second.Client(client.DefaultRequestHeaders.GetValues("X-Api-Key").Single());
        var followUp = await AskAsync(again, conversation, afterFirstDelta: null);
        Assert.Equal(conversation, Assert.Single(followUp, e => e.Type == "done").Data.GetProperty("conversationId").GetString());
        await using var scope = second.Services.CreateAsyncScope();
        Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().ConversationTurns.CountAsync(t => t.ConversationId == conversation, Ct));
    }

    private PlatformHost ServerWithModelHost() => new(DataPath, new Dictionary<string, string>
    {
        ["Chat:Provider"] = "openai-compatible",
        ["Chat:BaseUrl"] = $"http://127.0.0.1:{_port}/v1/",
        ["Chat:Model"] = "tiny-moe",
        ["Chat:MaxTokens"] = "3000",
        ["Chat:Seed"] = "7",
    });

    /// <summary>A tenant with one ready document, on a fresh data folder.</summary>
    private async Task<HttpClient> SeededClientAsync(PlatformHost host)
    {
        var client = host.Client(await host.CreateTenantAsync("acme", "support", Ct));
        using var upload = await PlatformHost.UploadAsync(client, "support", "returns.md", "# Returns\n\nYou can return a product within 30 days of delivery.", Ct);
        var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("ready", (await PlatformHost.WaitForIngestionAsync(client, accepted.GetProperty("statusUrl").GetString()!, Ct)).GetProperty("status").GetString());
        return client;
    }

    /// <summary>A streamed ask; <paramref name="afterFirstDelta"/> runs once the first delta has arrived.</summary>
    private async Task<List<(string Type, JsonElement Data)>> AskAsync(HttpClient client, string? conversationId, Action? afterFirstDelta)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/knowledge-bases/support/ask")
        {
            Content = JsonContent.Create(new { question = "How many days do I have to return a product?", stream = true, conversationId }),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = new List<(string, JsonElement)>();
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(timeout.Token))
        {
            events.Add((item.EventType, JsonDocument.Parse(item.Data).RootElement.Clone()));
            if (item.EventType == "delta" && afterFirstDelta is not null)
            {
                afterFirstDelta();
                afterFirstDelta = null;
            }
        }
        return events;
    }

    private async Task StartModelHostAsync()
    {
        StopModelHost();
        var start = new ProcessStartInfo("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "KnowledgePlatform.ModelHost.dll"),
            "--model", Path.Combine(_modelFolder, "tiny-moe.gguf"), "--urls", $"http://127.0.0.1:{_port}",
            "--ctx-size", "8192", "--threads", "1", "--parallel", "1",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        _modelHost = Process.Start(start)!;
        _modelHost.OutputDataReceived += (_, _) => { };
        _modelHost.ErrorDataReceived += (_, _) => { };
        _modelHost.BeginOutputReadLine();
        _modelHost.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            Assert.False(_modelHost.HasExited, "the model host exited at start");
            try
            {
                using var models = await http.GetAsync($"http://127.0.0.1:{_port}/v1/models", Ct);
                if (models.IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // still starting
            }
            Assert.True(DateTime.UtcNow < deadline, "the model host did not start within 180 s");
            await Task.Delay(200, Ct);
        }
    }

    /// <summary>Kills the model host once its health says a generation is in flight.</summary>
    private async Task KillWhileGeneratingAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var health = await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{_port}/health", Ct);
                if (health.GetProperty("in_flight").GetInt32() > 0)
                {
                    _modelHost!.Kill(entireProcessTree: true);
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // busy: asked again
            }
            await Task.Delay(5, Ct);
        }
        Assert.Fail("The model host never reported a generation in flight.");
    }

    private void StopModelHost()
    {
        if (_modelHost is { HasExited: false }) _modelHost.Kill(entireProcessTree: true);
        _modelHost?.WaitForExit(10_000);
        _modelHost?.Dispose();
        _modelHost = null;
    }

}
