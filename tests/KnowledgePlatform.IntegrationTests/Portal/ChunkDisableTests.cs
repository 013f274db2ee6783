using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// A curator disables a chunk (decision 0052): it stays in the database but out of every index, through re-uploads,
/// index rebuilds and packages, and enabling it again needs no embedding.
/// </summary>
public abstract class ChunkDisableTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : ChunkDisableTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : ChunkDisableTests(platform), IClassFixture<PostgresPlatform>;

    private const string Office = "# Office\n\n## Hours\nThe office opens at nine in the morning.\n\n## Parking\nStaff park their bicycles in the quokka shed behind the building.";
    private const string ParkingQuery = "bicycles quokka shed";

    // The class's server and the tenant's client; the restart test points them at a server of its own.
    private PlatformHost _host = null!;
    private HttpClient _curator = null!;

    protected override string TenantName => "tenant-a";

    protected override string KnowledgeBase => "handbook";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _host = Host;
        _curator = Admin;
    }

    private async Task<string> IngestOfficeAsync(string content)
    {
        var document = await PlatformHost.IngestAsync(_curator, "handbook", "office.md", content, Ct);
        Assert.Equal("ready", document.GetProperty("status").GetString());
        return document.GetProperty("id").GetString()!;
    }

    private async Task<List<JsonElement>> ChunksAsync(HttpClient client, string documentId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{documentId}/chunks", Ct)).EnumerateArray().ToList();

    private async Task<JsonElement> ParkingChunkAsync(string documentId) =>
        (await ChunksAsync(_curator, documentId)).Single(c => c.GetProperty("text").GetString()!.Contains("quokka shed"));

    private async Task<List<string>> SearchTextsAsync(HttpClient client, string kb, string query)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/search", new { query, top = 10 }, Ct);
        response.EnsureSuccessStatusCode();
        var hits = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("hits");
        return hits.EnumerateArray().Select(h => h.GetProperty("text").GetString()!).ToList();
    }

    private Task<List<string>> SearchTextsAsync(string query) => SearchTextsAsync(_curator, "handbook", query);

    private async Task<JsonElement> SetEnabledAsync(string chunkId, bool enabled)
    {
        using var response = await _curator.PutAsJsonAsync($"/api/v1/chunks/{chunkId}/enabled", new { enabled }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private async Task<byte[]> StoredEmbeddingAsync(string chunkId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().Chunks.Where(c => c.Id == chunkId).Select(c => c.Embedding).SingleAsync(Ct);
    }

    [Fact]
    public async Task A_disabled_chunk_is_not_found_and_enabling_it_brings_it_back_without_re_embedding()
    {
        var documentId = await IngestOfficeAsync(Office);
        var parking = await ParkingChunkAsync(documentId);
        var chunkId = parking.GetProperty("id").GetString()!;
        Assert.True(parking.GetProperty("enabled").GetBoolean());
        Assert.Contains(await SearchTextsAsync(ParkingQuery), t => t.Contains("quokka shed"));
        var embedding = await StoredEmbeddingAsync(chunkId);

        var disabled = await SetEnabledAsync(chunkId, false);
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.DoesNotContain(await SearchTextsAsync(ParkingQuery), t => t.Contains("quokka shed"));
        Assert.Contains(await SearchTextsAsync("office opens at nine"), t => t.Contains("opens at nine"));
        // Still in the chunk browser, marked disabled.
        Assert.False((await ParkingChunkAsync(documentId)).GetProperty("enabled").GetBoolean());

        var enabled = await SetEnabledAsync(chunkId, true);
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Contains(await SearchTextsAsync(ParkingQuery), t => t.Contains("quokka shed"));
        Assert.Equal(embedding, await StoredEmbeddingAsync(chunkId));

        await using var scope = _host.Services.CreateAsyncScope();
        var audited = await scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>().AuditRecords.Where(a => a.Subject == chunkId).ToListAsync(Ct);
        Assert.Equal(["chunk.disabled", "chunk.enabled"], audited.OrderBy(a => a.At).Select(a => a.Action));
    }

    [Fact]
    public async Task An_edited_disabled_chunk_is_re_embedded_but_stays_disabled()
    {
        var documentId = await IngestOfficeAsync(Office);
        var chunkId = (await ParkingChunkAsync(documentId)).GetProperty("id").GetString()!;
        await SetEnabledAsync(chunkId, false);
        var before = await StoredEmbeddingAsync(chunkId);

        using var edit = await _curator.PutAsJsonAsync($"/api/v1/chunks/{chunkId}", new { text = "Staff park their bicycles in the wombat hutch." }, Ct);
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        var edited = await edit.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(edited.GetProperty("enabled").GetBoolean());
        Assert.NotEqual(before, await StoredEmbeddingAsync(chunkId));
        Assert.DoesNotContain(await SearchTextsAsync("bicycles wombat hutch"), t => t.Contains("wombat"));

        await SetEnabledAsync(chunkId, true);
        Assert.Contains(await SearchTextsAsync("bicycles wombat hutch"), t => t.Contains("wombat"));
    }

    [Fact]
    public async Task A_disabled_chunk_stays_disabled_when_the_document_is_uploaded_again_with_another_section_changed()
    {
        var documentId = await IngestOfficeAsync(Office);
        await SetEnabledAsync((await ParkingChunkAsync(documentId)).GetProperty("id").GetString()!, false);

        var changed = Office.Replace("opens at nine", "opens at half past eight", StringComparison.Ordinal);
        Assert.Equal(documentId, await IngestOfficeAsync(changed));

        var chunks = await ChunksAsync(_curator, documentId);
        Assert.All(chunks, c => Assert.Equal(2, c.GetProperty("version").GetInt32()));
        Assert.False(chunks.Single(c => c.GetProperty("text").GetString()!.Contains("quokka shed")).GetProperty("enabled").GetBoolean());
        Assert.True(chunks.Single(c => c.GetProperty("text").GetString()!.Contains("half past eight")).GetProperty("enabled").GetBoolean());
        Assert.DoesNotContain(await SearchTextsAsync(ParkingQuery), t => t.Contains("quokka shed"));
        Assert.Contains(await SearchTextsAsync("office opens half past eight"), t => t.Contains("half past eight"));
    }

    [Fact]
    public async Task A_disabled_chunk_stays_out_after_a_restart_and_after_the_index_is_rebuilt_from_the_database()
    {
        await using var own = Platform.Another();
        _host = await own.StartAsync(Ct);
        var key = await _host.CreateTenantAsync("tenant-a", "handbook", Ct);
        _curator = Client(key, _host);
        var documentId = await IngestOfficeAsync(Office);
        await SetEnabledAsync((await ParkingChunkAsync(documentId)).GetProperty("id").GetString()!, false);

        // The start-up check counts only enabled chunks: a knowledge base with a disabled chunk is not "repaired".
        await using (var scope = _host.Services.CreateAsyncScope())
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<EmbeddedIndexBootstrapper>().RebuildStaleAsync(Ct));

        await own.StopAsync();
        Directory.Delete(Path.Combine(own.DataPath, "index"), recursive: true);
        _host = await own.StartAsync(Ct);
        _curator = Client(key, _host);

        Assert.DoesNotContain(await SearchTextsAsync(ParkingQuery), t => t.Contains("quokka shed"));
        Assert.Contains(await SearchTextsAsync("office opens at nine"), t => t.Contains("opens at nine"));
        Assert.False((await ParkingChunkAsync(documentId)).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Another_tenants_chunk_is_not_found_and_a_read_only_key_may_not_disable_a_chunk()
    {
        var documentId = await IngestOfficeAsync(Office);
        var chunkId = (await ParkingChunkAsync(documentId)).GetProperty("id").GetString()!;

        var other = Client((await NewTenantAsync("tenant-b", "other")).Key);
        using (var response = await other.PutAsJsonAsync($"/api/v1/chunks/{chunkId}/enabled", new { enabled = false }, Ct))
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        using var created = await _curator.PostAsJsonAsync("/api/v1/api-keys", new { name = "viewer", scopes = new[] { "read" } }, Ct);
        created.EnsureSuccessStatusCode();
        using var viewer = _host.Client((await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString());
        using (var response = await viewer.PutAsJsonAsync($"/api/v1/chunks/{chunkId}/enabled", new { enabled = false }, Ct))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        Assert.True((await ParkingChunkAsync(documentId)).GetProperty("enabled").GetBoolean());
        Assert.Contains(await SearchTextsAsync(ParkingQuery), t => t.Contains("quokka shed"));
    }

    [Fact]
    public async Task An_exported_and_imported_knowledge_base_keeps_its_disabled_chunks_disabled()
    {
        var documentId = await IngestOfficeAsync(Office);
        await SetEnabledAsync((await ParkingChunkAsync(documentId)).GetProperty("id").GetString()!, false);

        using var export = await _curator.GetAsync("/api/v1/knowledge-bases/handbook/export", Ct);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await export.Content.ReadAsByteArrayAsync(Ct));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "package", "handbook.kp.zip");
        form.Add(new StringContent("imported"), "name");
        var other = Client((await NewTenantAsync("tenant-b", "other")).Key);
        using var imported = await other.PostAsync("/api/v1/knowledge-bases/import", form, Ct);
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);

        var copy = (await other.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/imported/documents", Ct)).EnumerateArray().Single().GetProperty("id").GetString()!;
        var chunks = await ChunksAsync(other, copy);
        Assert.False(chunks.Single(c => c.GetProperty("text").GetString()!.Contains("quokka shed")).GetProperty("enabled").GetBoolean());
        Assert.True(chunks.Single(c => c.GetProperty("text").GetString()!.Contains("opens at nine")).GetProperty("enabled").GetBoolean());
        Assert.DoesNotContain(await SearchTextsAsync(other, "imported", ParkingQuery), t => t.Contains("quokka shed"));
        Assert.Contains(await SearchTextsAsync(other, "imported", "office opens at nine"), t => t.Contains("opens at nine"));
    }
}
