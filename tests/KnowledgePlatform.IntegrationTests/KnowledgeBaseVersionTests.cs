using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// The knowledge-base version that /api/v1/answers returns (decision 0093) changes with every change that can change an
/// answer, and only then: the same request on the same version is reproducible.
/// </summary>
public abstract class KnowledgeBaseVersionTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : KnowledgeBaseVersionTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : KnowledgeBaseVersionTests(platform), IClassFixture<PostgresPlatform>;

    private const string Question = "What is the maximum daily dose of sumatriptan?";
    private string _documentId = "";

    protected override string TenantName => "clinic";

    protected override string KnowledgeBase => "guidelines";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var document = await PlatformHost.IngestAsync(Admin, "guidelines", "migraine.md",
            "# Migraine\n\n## Acute treatment\nSumatriptan 50 mg at onset; do not exceed 300 mg of sumatriptan in 24 hours.\n\n## Prevention\nPropranolol 80 mg daily prevents attacks.", Ct);
        _documentId = document.GetProperty("id").GetString()!;
    }

    private async Task<string> VersionAsync()
    {
        using var response = await Admin.PostAsJsonAsync("/api/v1/answers", new { question = Question }, Ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("knowledgeBase").GetProperty("version").GetString()!;
    }

    private async Task<string> ChunkAsync(string text) =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{_documentId}/chunks", Ct)).EnumerateArray()
            .First(c => c.GetProperty("text").GetString()!.Contains(text, StringComparison.Ordinal)).GetProperty("id").GetString()!;

    private static void Succeeded(HttpResponseMessage response)
    {
        using (response) response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Disabling_a_chunk_changes_the_version_the_answers_api_returns()
    {
        var before = await VersionAsync();
        Assert.Equal(before, await VersionAsync());

        Succeeded(await Admin.PutAsJsonAsync($"/api/v1/chunks/{await ChunkAsync("Propranolol")}/enabled", new { enabled = false }, Ct));
        var disabled = await VersionAsync();

        Assert.StartsWith("kbv_", disabled, StringComparison.Ordinal);
        Assert.NotEqual(before, disabled);
        Assert.Equal(disabled, await VersionAsync());
    }

    [Fact]
    public async Task Every_change_that_can_change_an_answer_gives_a_new_version()
    {
        var seen = new List<string> { await VersionAsync() };
        async Task Changed(string what)
        {
            var version = await VersionAsync();
            Assert.False(seen.Contains(version), $"{what} did not change the version");
            seen.Add(version);
        }

        Succeeded(await Admin.PutAsJsonAsync($"/api/v1/chunks/{await ChunkAsync("Sumatriptan")}", new { text = "Sumatriptan 50 mg at onset; at most 200 mg in 24 hours." }, Ct));
        await Changed("a chunk edited");
        Succeeded(await Admin.PatchAsJsonAsync($"/api/v1/documents/{_documentId}/metadata", new { tags = new[] { "neurology" } }, Ct));
        await Changed("the document's tags");
        await PlatformHost.IngestAsync(Admin, "guidelines", "migraine.md", "# Migraine\n\nSumatriptan 50 mg; never more than 300 mg in 24 hours.", Ct);
        await Changed("a new version of the document");
        await PlatformHost.IngestAsync(Admin, "guidelines", "cluster.md", "# Cluster headache\n\nOxygen 100 % at 12 litres per minute.", Ct);
        await Changed("a new document");
        Succeeded(await Admin.PutAsJsonAsync("/api/v1/knowledge-bases/guidelines/retrieval", new { denseWeight = 0.8 }, Ct));
        await Changed("the fusion calibration");
        Succeeded(await Admin.PutAsJsonAsync("/api/v1/knowledge-bases/guidelines/policy", new { disclaimer = "Check the local formulary." }, Ct));
        await Changed("the knowledge base's policy");
        Succeeded(await Admin.PutAsJsonAsync("/api/v1/policy", new { template = "medical-strict" }, Ct));
        await Changed("the tenant's policy");
        var cluster = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/guidelines/documents", Ct)).EnumerateArray()
            .Single(d => d.GetProperty("fileName").GetString() == "cluster.md").GetProperty("id").GetString();
        using (await Admin.DeleteAsync($"/api/v1/documents/{cluster}", Ct)) { }
        await Changed("a document deleted");
    }
}
