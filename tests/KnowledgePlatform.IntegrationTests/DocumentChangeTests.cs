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
public abstract class DocumentChangeTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : DocumentChangeTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : DocumentChangeTests(platform), IClassFixture<PostgresPlatform>;

    protected override string TenantName => "clinic";

    protected override string KnowledgeBase => "guidelines";

    /// <summary>The newest audit record of an action.</summary>
    private async Task<JsonElement> AuditAsync(string action) =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={action}", Ct)).EnumerateArray().First();

    [Fact]
    public async Task Uploads_name_their_uploader_the_list_filters_and_every_document_change_is_audited()
    {
        using var curatorKey = await Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "night import", scopes = new[] { "read", "ingest" } }, Ct);
        using var curator = Host.Client((await curatorKey.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!);
        var fever = (await PlatformHost.IngestAsync(curator, "guidelines", "fever.md", "# Fever\n\nMeasure the temperature twice before treating a fever.", Ct)).GetProperty("id").GetString()!;
        await PlatformHost.IngestAsync(Admin, "guidelines", "gout.md", "# Gout\n\nColchicine is given at a low dose for an acute attack.", Ct);

        var listed = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/guidelines/documents", Ct);
        var feverRow = listed.EnumerateArray().Single(d => d.GetProperty("id").GetString() == fever);
        Assert.Equal("API key “night import”", feverRow.GetProperty("uploadedByName").GetString());
        var uploaded = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=document.uploaded", Ct)).EnumerateArray()
            .Single(a => a.GetProperty("subject").GetString() == fever);
        Assert.Equal("fever.md", uploaded.GetProperty("detail").GetProperty("fileName").GetString());
        Assert.Equal("API key “night import”", uploaded.GetProperty("actorName").GetString());

        using (var tagged = await Admin.PatchAsJsonAsync($"/api/v1/documents/{fever}/metadata", new { tags = new[] { "adults" }, groups = new[] { "wards" } }, Ct))
            Assert.Equal(HttpStatusCode.OK, tagged.StatusCode);
        Assert.Equal(["wards"], (await AuditAsync("document.metadata.updated")).GetProperty("detail").GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        async Task<string[]> Files(string query) => (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-bases/guidelines/documents?{query}", Ct))
            .EnumerateArray().Select(d => d.GetProperty("fileName").GetString()!).ToArray();
        Assert.Equal(["fever.md"], await Files("search=FEV"));
        Assert.Equal(["fever.md"], await Files("tag=adults"));
        Assert.Equal(["fever.md"], await Files("group=wards"));
        Assert.Equal(["fever.md", "gout.md"], await Files("status=ready"));
        Assert.Empty(await Files("status=failed"));
        using (var unknown = await Admin.GetAsync("/api/v1/knowledge-bases/guidelines/documents?status=lost", Ct))
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        // A corrected chunk says when it was corrected; the others do not.
        var chunks = await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{fever}/chunks", Ct);
        Assert.Equal(JsonValueKind.Null, chunks[0].GetProperty("editedAt").ValueKind);
        using (var edit = await Admin.PutAsJsonAsync($"/api/v1/chunks/{chunks[0].GetProperty("id").GetString()}", new { text = "Measure the temperature twice, fifteen minutes apart." }, Ct))
            Assert.NotEqual(JsonValueKind.Null, (await edit.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("editedAt").ValueKind);

        using (var deleted = await Admin.DeleteAsync($"/api/v1/documents/{fever}", Ct)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var deletion = await AuditAsync("document.deleted");
        Assert.Equal(fever, deletion.GetProperty("subject").GetString());
        Assert.Equal("fever.md", deletion.GetProperty("detail").GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task Creating_changing_and_deleting_a_knowledge_base_is_audited_with_its_settings()
    {
        using (var created = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "leaflets", vertical = "medical" }, Ct))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var creation = await AuditAsync("knowledge_base.created");
        Assert.Equal("leaflets", creation.GetProperty("detail").GetProperty("name").GetString());
        using (var retrieval = await Admin.PutAsJsonAsync("/api/v1/knowledge-bases/leaflets/retrieval", new { fusion = "convex", denseWeight = 0.7 }, Ct))
            Assert.Equal(HttpStatusCode.OK, retrieval.StatusCode);
        Assert.Equal(0.7, (await AuditAsync("knowledge_base.retrieval.updated")).GetProperty("detail").GetProperty("denseWeight").GetDouble());
        using (var deleted = await Admin.DeleteAsync("/api/v1/knowledge-bases/leaflets", Ct)) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("leaflets", (await AuditAsync("knowledge_base.deleted")).GetProperty("detail").GetProperty("name").GetString());
    }
}
