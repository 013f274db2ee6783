using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Sources;

/// <summary>The source API as the tests use it: create, sync, wait, read history and documents.</summary>
public sealed class SourceClient(HttpClient client, string knowledgeBase)
{
    public HttpClient Http => client;

    /// <summary>Host settings for source tests: loopback sites allowed, quick polling, folders under <paramref name="folderRoot"/> allowed.</summary>
    public static Dictionary<string, string> Settings(string? folderRoot = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Sources:AllowPrivateNetworks"] = "true",
            ["Sources:PollInterval"] = "00:00:00.200",
        };
        if (folderRoot is not null) settings["Sources:AllowedFolders:0"] = folderRoot;
        return settings;
    }

    /// <summary>Creates a source (201 expected) and returns it.</summary>
    public async Task<JsonElement> CreateAsync(object request, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/knowledge-bases/{knowledgeBase}/sources", request, PlatformHost.Json, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(response.IsSuccessStatusCode, $"creating the source failed: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>A web source on the site, read without pauses, removing vanished pages after <paramref name="grace"/>.</summary>
    public Task<JsonElement> CreateWebAsync(string startUrl, TimeSpan grace, CancellationToken ct, bool syncNow = true, int maxPages = 1000, string requestInterval = "00:00:00") =>
        CreateAsync(new
        {
            name = "help centre", kind = "web", syncNow, removalGrace = grace.ToString("c"),
            web = new { startUrl, maxPages, requestInterval },
        }, ct);

    /// <summary>Queues a sync now and returns its run.</summary>
    public async Task<JsonElement> SyncAsync(string sourceId, CancellationToken ct)
    {
        using var response = await client.PostAsync($"/api/v1/sources/{sourceId}/sync", null, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(response.IsSuccessStatusCode, $"queueing a sync failed: {(int)response.StatusCode} {body}");
        return body;
    }

    /// <summary>Follows a sync until it ends, then waits for the documents it queued to be ingested; returns the sync with its changes.</summary>
    public async Task<JsonElement> WaitAsync(string runId, CancellationToken ct, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(3));
        JsonElement detail;
        while (true)
        {
            detail = await client.GetFromJsonAsync<JsonElement>($"/api/v1/sync-runs/{runId}", PlatformHost.Json, ct);
            if (detail.GetProperty("run").GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled") break;
            Assert.True(DateTime.UtcNow < deadline, $"the sync did not end in time: {detail}");
            await Task.Delay(100, ct);
        }
        await WaitForDocumentsAsync(ct, deadline);
        return detail;
    }

    /// <summary>Runs a sync and waits for it (and its documents); the sync must succeed.</summary>
    public async Task<JsonElement> SyncAndWaitAsync(string sourceId, CancellationToken ct)
    {
        var run = await SyncAsync(sourceId, ct);
        var detail = await WaitAsync(run.GetProperty("id").GetString()!, ct);
        Assert.Equal("succeeded", detail.GetProperty("run").GetProperty("status").GetString());
        return detail;
    }

    /// <summary>Waits until no document of the knowledge base is queued or processing.</summary>
    public async Task WaitForDocumentsAsync(CancellationToken ct, DateTime? until = null)
    {
        var deadline = until ?? DateTime.UtcNow.AddMinutes(3);
        while ((await DocumentsAsync(ct)).Any(d => d.GetProperty("status").GetString() is "queued" or "processing"))
        {
            Assert.True(DateTime.UtcNow < deadline, "documents were still being ingested");
            await Task.Delay(100, ct);
        }
    }

    public async Task<List<JsonElement>> DocumentsAsync(CancellationToken ct) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-bases/{knowledgeBase}/documents", PlatformHost.Json, ct)).EnumerateArray().ToList();

    /// <summary>The documents by name (URL or folder/path).</summary>
    public async Task<Dictionary<string, JsonElement>> DocumentsByNameAsync(CancellationToken ct) =>
        (await DocumentsAsync(ct)).ToDictionary(d => d.GetProperty("fileName").GetString()!);

    /// <summary>The outcome of each key in a sync's history.</summary>
    public static Dictionary<string, string> Changes(JsonElement detail) =>
        detail.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("key").GetString()!, c => c.GetProperty("outcome").GetString()!);

    public static int Count(JsonElement detail, string outcome) => detail.GetProperty("run").GetProperty(outcome).GetInt32();

    /// <summary>The texts of the top search hits.</summary>
    public async Task<List<string>> SearchAsync(string query, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/knowledge-bases/{knowledgeBase}/search", new { query, top = 5 }, ct);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return result.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("text").GetString()!).ToList();
    }
}
