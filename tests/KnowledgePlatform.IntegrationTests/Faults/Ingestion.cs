using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Faults;

/// <summary>Documents to ingest during a fault, and the check that every one of them is in the index exactly once.</summary>
internal static class Ingestion
{
    /// <summary>A note of several sections, so it makes several chunks; different for each number.</summary>
    public static string Note(int i)
    {
        var text = new StringBuilder($"# Service note {i}\n\n");
        for (var s = 0; s < 4; s++)
        {
            text.Append($"## Part {s + 1}\n\n");
            for (var p = 0; p < 6; p++)
                text.Append($"Hub model H{i} keeps setting {s}.{p} for {i % 7 + 2} days; if the light blinks {p + 2} times, restart it and wait {i % 5 + 1} minutes before pairing again. ");
            text.Append("\n\n");
        }
        return text.ToString();
    }

    /// <summary>
    /// Uploads the notes all at once, so the queue fills faster than the workers drain it: a fault injected once a
    /// few are ready then meets jobs in flight and queued, however fast this machine ingests (one by one, a fast
    /// machine could finish every note before the last upload).
    /// </summary>
    public static async Task UploadAsync(HttpClient client, int count, CancellationToken ct) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var response = await PlatformHost.UploadAsync(client, "support", $"note-{i:000}.md", Note(i), ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }));

    /// <summary>Ready documents; -1 while the database does not answer (it may be restarting).</summary>
    public static async Task<int> ReadyAsync(PlatformHost host, CancellationToken ct)
    {
        try
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Documents.CountAsync(d => d.Status == DocumentStatus.Ready, ct);
        }
        catch (System.Data.Common.DbException)
        {
            return -1;
        }
    }

    public static async Task WaitUntilAsync(PlatformHost host, Func<int, bool> readyCount, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!readyCount(await ReadyAsync(host, ct)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out with {await ReadyAsync(host, ct)} documents ready");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>
    /// Every document is ready at version 1 with its job done, and holds exactly its chunk count in the
    /// metadata database and in the index: nothing lost, nothing duplicated.
    /// </summary>
    public static async Task AssertEachDocumentIndexedOnceAsync(PlatformHost host, int expected, CancellationToken ct)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var index = scope.ServiceProvider.GetRequiredService<IChunkIndex>();
        var documents = await db.Documents.AsNoTracking().ToListAsync(ct);
        Assert.Equal(expected, documents.Count);
        Assert.Equal(expected, documents.Select(d => d.FileName).Distinct().Count());
        foreach (var document in documents)
        {
            Assert.Equal(DocumentStatus.Ready, document.Status);
            Assert.Equal(1, document.Version);
            Assert.True(document.ChunkCount > 1, $"{document.FileName}: {document.ChunkCount} chunks");
            Assert.Equal(document.ChunkCount, await db.Chunks.CountAsync(c => c.DocumentId == document.Id, ct));
        }
        // The index holds exactly the chunks of the documents: none lost, none twice.
        var knowledgeBase = documents[0];
        Assert.Equal(documents.Sum(d => d.ChunkCount), await index.CountAsync(new ChunkFilter(knowledgeBase.TenantId, [knowledgeBase.KnowledgeBaseId]), ct));
        Assert.All(await db.IngestionJobs.AsNoTracking().ToListAsync(ct), j => Assert.Equal(JobStatus.Succeeded, j.Status));
    }

    /// <summary>A search for one note's own words finds that note, once per chunk at most.</summary>
    public static async Task AssertSearchFindsAsync(HttpClient client, int i, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/knowledge-bases/support/search", new { query = $"Hub model H{i} keeps setting", top = 20 }, ct);
        response.EnsureSuccessStatusCode();
        var hits = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("hits").EnumerateArray().ToList();
        Assert.Contains(hits, h => h.GetProperty("fileName").GetString() == $"note-{i:000}.md");
        var ids = hits.Select(h => h.GetProperty("chunkId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
