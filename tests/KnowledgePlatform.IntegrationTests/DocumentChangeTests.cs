using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// What the documents list and the audit log know about changes: who uploaded a document (by name), filters over the
/// list, when a chunk was corrected, and an audit record for every change to documents and knowledge bases.
/// </summary>
public abstract class DocumentChangeTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : DocumentChangeTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : DocumentChangeTests(TestDatabase.Postgres(server));

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        await database.CreateAsync(_data, _ct);
        _host = new PlatformHost(_data, database.Settings);
        _admin = _host.Client(await _host.CreateTenantAsync("clinic", "guidelines", _ct));
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    /// <summary>The newest audit record of an action.</summary>
    private async Task<JsonElement> AuditAsync(string action) =>
        (await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={action}", _ct)).EnumerateArray().First();

    [Fact]
    public async Task Uploads_name_their_uploader_the_list_filters_and_every_document_change_is_audited()
    {
        using var curatorKey = await _admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "night import", scopes = new[] { "read", "ingest" } }, _ct);
        using var curator = _host.Client((await curatorKey.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("secret").GetString()!);
        var fever = (await PlatformHost.IngestAsync(curator, "guidelines", "fever.md", "# Fever\n\nMeasure the temperature twice before treating a fever.", _ct)).GetProperty("id").GetString()!;
        await PlatformHost.IngestAsync(_admin, "guidelines", "gout.md", "# Gout\n\nColchicine is given at a low dose for an acute attack.", _ct);

        var listed = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/guidelines/documents", _ct);
        var feverRow = listed.EnumerateArray().Single(d => d.GetProperty("id").GetString() == fever);
        Assert.Equal("API key “night import”", feverRow.GetProperty("uploadedByName").GetString());
        var uploaded = (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=document.uploaded", _ct)).EnumerateArray()
            .Single(a => a.GetProperty("subject").GetString() == fever);
        Assert.Equal("fever.md", uploaded.GetProperty("detail").GetProperty("fileName").GetString());
        Assert.Equal("API key “night import”", uploaded.GetProperty("actorName").GetString());

        using (var tagged = await _admin.PatchAsJsonAsync($"/api/v1/documents/{fever}/metadata", new { tags = new[] { "adults" }, groups = new[] { "wards" } }, _ct))
            Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);
        Assert.Equal(["wards"], (await AuditAsync("document.metadata.updated")).GetProperty("detail").GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        async Task<string[]> Files(string query) => (await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-bases/guidelines/documents?{query}", _ct))
            .EnumerateArray().Select(d => d.GetProperty("fileName").GetString()!).ToArray();
        Assert.Equal(["fever.md"], await Files("search=FEV"));
        Assert.Equal(["fever.md"], await Files("tag=adults"));
        Assert.Equal(["fever.md"], await Files("group=wards"));
        Assert.Equal(["fever.md", "gout.md"], await Files("status=ready"));
        Assert.Empty(await Files("status=failed"));
        using (var unknown = await _admin.GetAsync("/api/v1/knowledge-bases/guidelines/documents?status=lost", _ct))
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        // A corrected chunk says when it was corrected; the others do not.
        var chunks = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{fever}/chunks", _ct);
        Assert.Equal(JsonValueKind.Null, chunks[0].GetProperty("editedAt").ValueKind);
        using (var edit = await _admin.PutAsJsonAsync($"/api/v1/chunks/{chunks[0].GetProperty("id").GetString()}", new { text = "Measure the temperature twice, fifteen minutes apart." }, _ct))
            Assert.NotEqual(JsonValueKind.Null, (await edit.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("editedAt").ValueKind);

        using (var deleted = await _admin.DeleteAsync($"/api/v1/documents/{fever}", _ct)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var deletion = await AuditAsync("document.deleted");
        Assert.Equal(fever, deletion.GetProperty("subject").GetString());
        Assert.Equal("fever.md", deletion.GetProperty("detail").GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task Creating_changing_and_deleting_a_knowledge_base_is_audited_with_its_settings()
    {
        using (var created = await _admin.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "leaflets", vertical = "medical" }, _ct))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var creation = await AuditAsync("knowledge_base.created");
        Assert.Equal("leaflets", creation.GetProperty("detail").GetProperty("name").GetString());
        using (var retrieval = await _admin.PutAsJsonAsync("/api/v1/knowledge-bases/leaflets/retrieval", new { fusion = "convex", denseWeight = 0.7 }, _ct))
            Assert.Equal(HttpStatusCode.OK, retrieval.StatusCode);
        Assert.Equal(0.7, (await AuditAsync("knowledge_base.retrieval.updated")).GetProperty("detail").GetProperty("denseWeight").GetDouble());
        using (var deleted = await _admin.DeleteAsync("/api/v1/knowledge-bases/leaflets", _ct)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("leaflets", (await AuditAsync("knowledge_base.deleted")).GetProperty("detail").GetProperty("name").GetString());
    }
}
