using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Faults;

/// <summary>
/// Clients that open an answer stream and stop reading it. The server writes SSE asynchronously (Kestrel
/// pauses the writer when its response buffer is full), so stalled readers hold neither threads nor memory,
/// and everyone else keeps being served.
/// </summary>
[Collection(ResourceMeasurements.Name)]
/// <remarks>The test has a server of its own: it measures the server's heap and thread pool.</remarks>
public sealed class SlowClientTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private const int Stalled = 48;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Security:RateLimits:KeyRequestsPerMinute"] = "100000",
        ["Security:RateLimits:TenantRequestsPerMinute"] = "100000",
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var client = Admin;
        using var upload = await PlatformHost.UploadAsync(client, "support", "returns.md", ApiJourneyTests.ReturnsPolicy, Ct);
        var accepted = await upload.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        await PlatformHost.WaitForIngestionAsync(client, accepted.GetProperty("statusUrl").GetString()!, Ct);
    }

    [Fact]
    public async Task Stalled_sse_readers_hold_no_threads_or_memory_and_other_requests_are_served_meanwhile()
    {
        using var warm = Host.Client(Tenant.Key);
        (await warm.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "How many days do I have to return a product?", stream = true }, Ct)).Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var threadsBefore = ThreadPool.ThreadCount;

        // Each stalled client has its own connection, reads the response headers and then nothing.
        var clients = Enumerable.Range(0, Stalled).Select(_ => Host.Client(Tenant.Key)).ToList();
        var responses = await Task.WhenAll(clients.Select(c =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/knowledge-bases/support/ask")
            {
                Content = JsonContent.Create(new { question = "What is the refund timing and who pays return shipping?", stream = true, top = 20 }),
            };
            return c.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        }));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        // While they stall, the server answers others promptly.
        using var other = Host.Client(Tenant.Key);
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            using var live = await other.GetAsync("/health/live", Ct);
            using var search = await other.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query = "return shipping" }, Ct);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"search took {clock.Elapsed} with {Stalled} stalled streams");
            await Task.Delay(500, Ct);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        var threadGrowth = ThreadPool.ThreadCount - threadsBefore;
        Assert.True(threadGrowth < Stalled / 2, $"the thread pool grew by {threadGrowth} threads for {Stalled} stalled streams");
        Assert.True(heapGrowth < 64L * 1024 * 1024, $"the heap grew by {heapGrowth / 1048576} MB for {Stalled} stalled streams");

        // The stalled clients go away; the server is still fine and their streams were complete answers.
        var first = await responses[0].Content.ReadAsStringAsync(Ct);
        Assert.Contains("event: done", first, StringComparison.Ordinal);
        foreach (var response in responses) response.Dispose();
        foreach (var client in clients) client.Dispose();
        using var after = await other.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "How many days do I have to return a product?" }, Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
