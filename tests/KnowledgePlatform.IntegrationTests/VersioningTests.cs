using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Re-uploads make versions that replace each other atomically; identical bytes are not ingested twice.</summary>
public abstract class VersioningTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : VersioningTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : VersioningTests(platform), IClassFixture<PostgresPlatform>;

    private static string Manual(int version) => $"""
        # Sweep S2 filter care

        ## Cleaning the filter
        Rinse the HEPA filter under cold water every {version * 7} days and let it dry for 24 hours before refitting it.
        This is revision {version} of the filter care guide for the robot vacuum.

        ## Replacing the filter
        Replace the filter every {version * 3} months, or sooner if the suction warning light stays on after cleaning.
        """;

    private async Task<JsonElement> UploadAndWaitAsync(string content)
    {
        using var upload = await PlatformHost.UploadAsync(Admin, "support", "filter-care.md", content, Ct);
        var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return await PlatformHost.WaitForIngestionAsync(Admin, accepted.GetProperty("statusUrl").GetString()!, Ct);
    }

    private async Task<IReadOnlyList<string>> SearchChunkIdsAsync()
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query = "how often should I rinse the HEPA filter of the vacuum", top = 10 }, Ct);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return result.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("chunkId").GetString()!).ToList();
    }

    [Fact]
    public async Task A_reupload_becomes_the_next_version_and_searches_never_see_both_or_neither()
    {
        var first = await UploadAndWaitAsync(Manual(1));
        Assert.Equal(1, first.GetProperty("version").GetInt32());

        // Search continuously while version 2 replaces version 1, and on until at least three searches have run: on a
        // loaded machine a search can take longer than the whole replacement.
        var replaced = new TaskCompletionSource();
        var observed = new List<IReadOnlyList<string>>();
        var searching = Task.Run(async () =>
        {
            while (!replaced.Task.IsCompleted || observed.Count < 3)
                observed.Add(await SearchChunkIdsAsync());
        }, Ct);
        var second = await UploadAndWaitAsync(Manual(2));
        await Task.Delay(300, Ct);
        replaced.SetResult();
        await searching;

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.Equal(2, second.GetProperty("indexedVersion").GetInt32());
        foreach (var ids in observed)
        {
            Assert.NotEmpty(ids);
            var versions = ids.Select(id => id.Contains("-v1-", StringComparison.Ordinal) ? 1 : 2).Distinct().ToList();
            Assert.Single(versions);
        }
        Assert.All(await SearchChunkIdsAsync(), id => Assert.Contains("-v2-", id, StringComparison.Ordinal));

        // The database keeps only the indexed version's chunks.
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        Assert.All(await db.Chunks.Where(c => c.DocumentId == first.GetProperty("id").GetString()).ToListAsync(Ct), c => Assert.Equal(2, c.Version));
    }

    [Fact]
    public async Task Identical_content_is_recognised_and_not_ingested_again()
    {
        var first = await UploadAndWaitAsync(Manual(1));

        using var again = await PlatformHost.UploadAsync(Admin, "support", "filter-care.md", Manual(1), Ct);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var document = await again.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(first.GetProperty("id").GetString(), document.GetProperty("id").GetString());
        Assert.Equal(1, document.GetProperty("version").GetInt32());
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        Assert.Equal(1, await db.IngestionJobs.CountAsync(j => j.TenantId == Tenant.Id, Ct));
    }

    [Fact]
    public async Task Progress_is_pushed_over_signalr_step_by_step_until_ready()
    {
        var events = new List<JsonElement>();
        var ready = new TaskCompletionSource();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Host.ClientOptions.BaseAddress, "/hubs/ingestion"), o => o.Headers["X-Api-Key"] = Tenant.Key)
            .Build();
        connection.On<JsonElement>("progress", p =>
        {
            lock (events) events.Add(p);
            if (p.GetProperty("status").GetString() == "ready") ready.TrySetResult();
        });
        await connection.StartAsync(Ct);

        await UploadAndWaitAsync(Manual(1));
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        lock (events)
        {
            Assert.All(events, e => Assert.Equal("filter-care.md", e.GetProperty("fileName").GetString()));
            Assert.Equal(100, events[^1].GetProperty("progressPercent").GetInt32());
            // A ready document is at no step: clients show its status, not the last step it passed.
            Assert.Equal(JsonValueKind.Null, events[^1].GetProperty("step").ValueKind);
            Assert.True(events[^1].GetProperty("chunkCount").GetInt32() > 0);
        }
    }

    [Fact]
    public async Task Another_tenant_hears_nothing_of_our_ingestion()
    {
        var otherKey = (await NewTenantAsync("globex", "kb")).Key;
        var heard = 0;
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Host.ClientOptions.BaseAddress, "/hubs/ingestion"), o => o.Headers["X-Api-Key"] = otherKey)
            .Build();
        connection.On<JsonElement>("progress", _ => Interlocked.Increment(ref heard));
        await connection.StartAsync(Ct);

        await UploadAndWaitAsync(Manual(1));
        await Task.Delay(600, Ct);

        Assert.Equal(0, heard);
    }

    [Fact]
    public async Task The_hub_refuses_a_connection_without_a_key()
    {
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(Host.ClientOptions.BaseAddress, "/hubs/ingestion")).Build();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => connection.StartAsync(Ct));
    }
}
