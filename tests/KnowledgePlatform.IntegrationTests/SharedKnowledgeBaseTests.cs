using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// Shared industry knowledge bases (decision 0042): the platform admin publishes a knowledge base read-only to
/// chosen tenants; they search and ask it alone or with their own in one retrieval; nobody else sees it.
/// </summary>
public abstract class SharedKnowledgeBaseTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite() : SharedKnowledgeBaseTests(TestPlatform.Owned(TestDatabase.Sqlite()));

    public sealed class OnPostgres(PostgresServer server) : SharedKnowledgeBaseTests(TestPlatform.Owned(TestDatabase.Postgres(server)));

    private const string Guideline = "GUIDE-9981";
    private const string WardNote = "WARD-5520";

    private HttpClient _platform = null!;
    private HttpClient _clinic = null!;
    private HttpClient _other = null!;
    private string _sharedId = "";

    // Each test has a server of its own: the platform's knowledge base and its shares go by fixed names.
    protected override string? TenantName => null;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Platform:AdminKey"] = QuotaTests.PlatformKey };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _platform = Host.Client(QuotaTests.PlatformKey);
        _clinic = Host.Client(await Host.CreateTenantAsync("clinic", "notes", Ct));
        _other = Host.Client(await Host.CreateTenantAsync("other", "notes", Ct));

        using (var create = await _platform.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "guidelines", vertical = "medical" }, Ct))
            _sharedId = (await create.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        await PlatformHost.IngestAsync(_platform, "guidelines", "aspirin.md", $"# Secondary prevention\n\nAfter a myocardial infarction give aspirin 75 mg daily for life ({Guideline}).", Ct);
        await PlatformHost.IngestAsync(_clinic, "notes", "stock.md", $"# Ward stock\n\nAspirin 75 mg tablets for secondary prevention are kept in cabinet B ({WardNote}).", Ct);
        await PlatformHost.IngestAsync(_other, "notes", "other.md", "# Other\n\nAspirin after a myocardial infarction is dispensed by the pharmacy.", Ct);
        using var grant = await _platform.PutAsync($"/api/v1/platform/knowledge-bases/guidelines/shares/clinic", null, Ct);
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var client in new[] { _platform, _clinic, _other }) client.Dispose();
        await base.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private const string Question = "What aspirin dose is given for secondary prevention after a myocardial infarction?";

    [Fact]
    public async Task The_publishers_grouped_documents_stay_out_of_a_granted_tenants_reach_even_for_its_admin()
    {
        const string Restricted = "RESTRICTED-7306";
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes($"# Trial protocol\n\nAspirin 75 mg in the secondary prevention trial arm ({Restricted}).")), "file", "trial.md" },
            { new StringContent("oncology"), "groups" },
        };
        using (var upload = await _platform.PostAsync("/api/v1/knowledge-bases/guidelines/documents", form, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
            var document = await PlatformHost.WaitForIngestionAsync(_platform, (await upload.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("statusUrl").GetString()!, Ct);
            Assert.Equal("ready", document.GetProperty("status").GetString());
        }
        // The publisher's own admin sees it.
        Assert.Contains(Restricted, (await PostAsync(_platform, "/api/v1/knowledge-bases/guidelines/search", new { query = "aspirin trial arm" })).Body, StringComparison.Ordinal);

        // The grantee's admin key (no group restriction in its own tenant) does not: groups are the publisher's.
        var documents = await _clinic.GetStringAsync($"/api/v1/knowledge-bases/{_sharedId}/documents", Ct);
        Assert.DoesNotContain("trial.md", documents, StringComparison.Ordinal);
        Assert.Contains("aspirin.md", documents, StringComparison.Ordinal);
        foreach (var (url, body) in new (string, object)[]
        {
            ($"/api/v1/knowledge-bases/{_sharedId}/search", new { query = "aspirin trial arm" }),
            ($"/api/v1/knowledge-bases/{_sharedId}/ask", new { question = "What aspirin dose is used in the trial arm?" }),
            ("/api/v1/knowledge-bases/notes/search", new { query = "aspirin trial arm", includeShared = true }),
        })
        {
            var (status, text) = await PostAsync(_clinic, url, body);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain(Restricted, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_granted_tenant_lists_searches_and_asks_the_shared_knowledge_base_alone_or_with_its_own()
    {
        var list = await _clinic.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases", Ct);
        var shared = list.EnumerateArray().Single(k => k.GetProperty("id").GetString() == _sharedId);
        Assert.True(shared.GetProperty("shared").GetBoolean());
        Assert.True(shared.GetProperty("readOnly").GetBoolean());
        Assert.False(list.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "notes").GetProperty("shared").GetBoolean());

        var alone = await PostAsync(_clinic, $"/api/v1/knowledge-bases/{_sharedId}/search", new { query = Question });
        Assert.Equal(HttpStatusCode.OK, alone.Status);
        Assert.Contains(Guideline, alone.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(WardNote, alone.Body, StringComparison.Ordinal);

        // One retrieval over both: from the tenant's own knowledge base with includeShared, or naming both.
        foreach (var (url, body) in new (string, object)[]
        {
            ("/api/v1/knowledge-bases/notes/search", new { query = Question, includeShared = true }),
            ("/api/v1/search", new { query = Question, knowledgeBases = new[] { "notes", "guidelines" } }),
        })
        {
            var both = await PostAsync(_clinic, url, body);
            Assert.Equal(HttpStatusCode.OK, both.Status);
            Assert.Contains(Guideline, both.Body, StringComparison.Ordinal);
            Assert.Contains(WardNote, both.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("pharmacy", both.Body, StringComparison.Ordinal);
        }
        var ownOnly = await PostAsync(_clinic, "/api/v1/knowledge-bases/notes/search", new { query = Question });
        Assert.DoesNotContain(Guideline, ownOnly.Body, StringComparison.Ordinal);

        var ask = await PostAsync(_clinic, "/api/v1/knowledge-bases/guidelines/ask", new { question = Question });
        Assert.Equal(HttpStatusCode.OK, ask.Status);
        Assert.Contains(Guideline, ask.Body, StringComparison.Ordinal);
        var askBoth = await PostAsync(_clinic, "/api/v1/knowledge-bases/notes/ask", new { question = Question, includeShared = true, top = 5 });
        Assert.Equal(HttpStatusCode.OK, askBoth.Status);
        // Asked from the tenant's own knowledge base, the answer can cite the shared guideline.
        Assert.Contains("aspirin.md", askBoth.Body, StringComparison.Ordinal);
        Assert.Contains("aspirin.md", (await _clinic.GetStringAsync($"/api/v1/knowledge-bases/{_sharedId}/documents", Ct)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_granted_tenant_cannot_change_the_shared_knowledge_base()
    {
        using var upload = await PlatformHost.UploadAsync(_clinic, "guidelines", "planted.md", "# planted\n\ntext", Ct);
        using var delete = await _clinic.DeleteAsync($"/api/v1/knowledge-bases/{_sharedId}", Ct);
        using var settings = await _clinic.PutAsJsonAsync($"/api/v1/knowledge-bases/{_sharedId}/retrieval", new { fusion = "rrf" }, Ct);
        using var grant = await _clinic.PutAsync($"/api/v1/platform/knowledge-bases/{_sharedId}/shares/clinic", null, Ct);
        foreach (var response in new[] { upload, delete, settings })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("knowledge_base_read_only", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        }
        Assert.Equal(HttpStatusCode.Forbidden, grant.StatusCode);
        Assert.Single((await _platform.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/guidelines/documents", Ct)).EnumerateArray());
    }

    [Fact]
    public async Task A_tenant_without_a_grant_gets_not_found_and_a_revoke_takes_effect_at_once()
    {
        async Task AssertInvisibleAsync(HttpClient client)
        {
            Assert.DoesNotContain(_sharedId, await client.GetStringAsync("/api/v1/knowledge-bases", Ct), StringComparison.Ordinal);
            foreach (var kb in new[] { _sharedId, "guidelines" })
            {
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/knowledge-bases/{kb}", Ct)).StatusCode);
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/knowledge-bases/{kb}/documents", Ct)).StatusCode);
                Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, $"/api/v1/knowledge-bases/{kb}/search", new { query = Question })).Status);
                Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, $"/api/v1/knowledge-bases/{kb}/ask", new { question = Question })).Status);
                Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, "/api/v1/search", new { query = Question, knowledgeBases = new[] { "notes", kb } })).Status);
            }
            var own = await PostAsync(client, "/api/v1/knowledge-bases/notes/search", new { query = Question, includeShared = true });
            Assert.Equal(HttpStatusCode.OK, own.Status);
            Assert.DoesNotContain(Guideline, own.Body, StringComparison.Ordinal);
        }

        await AssertInvisibleAsync(_other);

        using (var revoke = await _platform.DeleteAsync("/api/v1/platform/knowledge-bases/guidelines/shares/clinic", Ct))
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await AssertInvisibleAsync(_clinic);
        Assert.Empty((await _platform.GetFromJsonAsync<JsonElement>("/api/v1/platform/knowledge-bases/guidelines/shares", Ct)).EnumerateArray());
    }
}
