using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Models;

/// <summary>
/// The REST ask endpoint and `kp ask` answering from the generated MoE model: in-process (llamasharp) and
/// through the model host (openai-compatible, Semantic Kernel's OpenAI connector). The model's words are
/// random, so the tests check that its answer streams through the orchestrator, not what it says.
/// </summary>
public sealed class GenerativeAskTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static Dictionary<string, string> LlamaSharp() => new()
    {
        ["Chat:Provider"] = "llamasharp",
        ["Chat:ModelPath"] = TinyModel.Path,
        ["Chat:Threads"] = "1",
        ["Chat:ContextSize"] = "4096",
        ["Chat:MaxTokens"] = "24",
        ["Chat:Seed"] = "7",
    };

    private async Task<(string Data, string Key)> SeededAsync(PlatformHost host)
    {
        var key = await host.CreateTenantAsync("acme", "support", _ct);
        using var client = host.Client(key);
        using var upload = await PlatformHost.UploadAsync(client, "support", "returns-policy.md", ApiJourneyTests.ReturnsPolicy, _ct);
        var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>(_ct);
        var document = await PlatformHost.WaitForIngestionAsync(client, accepted.GetProperty("statusUrl").GetString()!, _ct);
        Assert.Equal("ready", document.GetProperty("status").GetString());
        return (host.DataPath, key);
    }

    private async Task<List<(string Type, JsonElement Data)>> AskStreamingAsync(HttpClient client, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/knowledge-bases/support/ask") { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = new List<(string, JsonElement)>();
        await using var stream = await response.Content.ReadAsStreamAsync(_ct);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(_ct))
            events.Add((item.EventType, JsonDocument.Parse(item.Data).RootElement.Clone()));
        return events;
    }

    private static void AssertStreamedFromTheModel(List<(string Type, JsonElement Data)> events, string model)
    {
        var types = events.Select(e => e.Type).ToList();
        Assert.True(types.Contains("delta"), string.Join(",", types));
        Assert.Equal(["citations", "done"], types.Where(t => t != "delta"));
        var done = events[^1].Data;
        Assert.Equal(model, done.GetProperty("model").GetString());
        // Random weights cite nothing, so no sentence is kept: the answer is "not found", never answered.
        Assert.Equal("insufficient_evidence", done.GetProperty("status").GetString());
        Assert.False(done.GetProperty("grounded").GetBoolean());
    }

    /// <summary>A server with <paramref name="settings"/>, a seeded knowledge base, and one streamed question.</summary>
    private async Task<List<(string Type, JsonElement Data)>> AskThroughServerAsync(Dictionary<string, string> settings)
    {
        await using var platform = new SqlitePlatform();
        var host = await platform.StartAsync(_ct, settings);
        var (_, key) = await SeededAsync(host);
        using var client = host.Client(key);
        return await AskStreamingAsync(client, new { question = "How many days do I have to return a product?", stream = true });
    }

    [Fact]
    public async Task The_ask_endpoint_streams_an_answer_from_a_gguf_model_in_process()
    {
        AssertStreamedFromTheModel(await AskThroughServerAsync(LlamaSharp()), TinyModel.Id);
    }

    [Fact]
    public async Task The_ask_endpoint_streams_an_answer_from_the_model_host_over_the_openai_api()
    {
        await using var modelHost = await ModelHostFixture.StartAsync();

        var events = await AskThroughServerAsync(new Dictionary<string, string>
        {
            ["Chat:Provider"] = "openai-compatible",
            ["Chat:BaseUrl"] = modelHost.V1.ToString(),
            ["Chat:Model"] = TinyModel.Id,
            ["Chat:MaxTokens"] = "24",
        });

        AssertStreamedFromTheModel(events, TinyModel.Id);
    }

    [Fact]
    public async Task Kp_ask_streams_an_answer_from_a_gguf_model_configured_as_chat_provider()
    {
        await using var platform = new SqlitePlatform();
        var data = platform.DataPath;
        var (_, key) = await SeededAsync(await platform.StartAsync(_ct));
        await platform.StopAsync();

        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "kp.dll"), "ask", "support", "How many days do I have to return a product?", "--key", key, "--data", data])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (k, v) in LlamaSharp()) start.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        start.Environment["Embedding__Threads"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(_ct);
        var stderr = process.StandardError.ReadToEndAsync(_ct);
        await process.WaitForExitAsync(_ct);

        Assert.True(process.ExitCode == 0, await stderr + await stdout);
        Assert.Contains($"{TinyModel.Id}: InsufficientEvidence", await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_gguf_as_chat_model_stops_the_server_start_with_its_reason()
    {
        var settings = LlamaSharp();
        settings["Chat:ModelPath"] = TinyModel.Damaged("missing-expert-count");
        var error = await TestPlatform.StartFailureAsync(settings, _ct);
        Assert.Contains("expert_count is missing", error.ToString(), StringComparison.Ordinal);
    }
}
