using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// The knowledge-base version that /api/v1/answers returns (decision 0093) changes with every change that can change an
/// answer, and only then: the same request on the same version is reproducible.
/// </summary>
public abstract class KnowledgeBaseVersionTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : KnowledgeBaseVersionTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : KnowledgeBaseVersionTests(TestDatabase.Postgres(server));

    private const string Question = "What is the maximum daily dose of sumatriptan?";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private HttpClient _clinic = null!;
    private string _documentId = "";

    public async ValueTask InitializeAsync()
    {
        await database.CreateAsync(_data, _ct);
        _host = new PlatformHost(_data, database.Settings);
        _clinic = _host.Client(await _host.CreateTenantAsync("clinic", "guidelines", _ct));
        var document = await PlatformHost.IngestAsync(_clinic, "guidelines", "migraine.md",
            "# Migraine\n\n## Acute treatment\nSumatriptan 50 mg at onset; do not exceed 300 mg of sumatriptan in 24 hours.\n\n## Prevention\nPropranolol 80 mg daily prevents attacks.", _ct);
        _documentId = document.GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        _clinic.Dispose();
        await _host.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<string> VersionAsync()
    {
        using var response = await _clinic.PostAsJsonAsync("/api/v1/answers", new { question = Question }, _ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("knowledgeBase").GetProperty("version").GetString()!;
    }

    private async Task<string> ChunkAsync(string text) =>
        (await _clinic.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{_documentId}/chunks", _ct)).EnumerateArray()
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

        Succeeded(await _clinic.PutAsJsonAsync($"/api/v1/chunks/{await ChunkAsync("Propranolol")}/enabled", new { enabled = false }, _ct));
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

        Succeeded(await _clinic.PutAsJsonAsync($"/api/v1/chunks/{await ChunkAsync("Sumatriptan")}", new { text = "Sumatriptan 50 mg at onset; at most 200 mg in 24 hours." }, _ct));
        await Changed("a chunk edited");
        Succeeded(await _clinic.PatchAsJsonAsync($"/api/v1/documents/{_documentId}/metadata", new { tags = new[] { "neurology" } }, _ct));
        await Changed("the document's tags");
        await PlatformHost.IngestAsync(_clinic, "guidelines", "migraine.md", "# Migraine\n\nSumatriptan 50 mg; never more than 300 mg in 24 hours.", _ct);
        await Changed("a new version of the document");
        await PlatformHost.IngestAsync(_clinic, "guidelines", "cluster.md", "# Cluster headache\n\nOxygen 100 % at 12 litres per minute.", _ct);
        await Changed("a new document");
        Succeeded(await _clinic.PutAsJsonAsync("/api/v1/knowledge-bases/guidelines/retrieval", new { denseWeight = 0.8 }, _ct));
        await Changed("the fusion calibration");
        Succeeded(await _clinic.PutAsJsonAsync("/api/v1/knowledge-bases/guidelines/policy", new { disclaimer = "Check the local formulary." }, _ct));
        await Changed("the knowledge base's policy");
        Succeeded(await _clinic.PutAsJsonAsync("/api/v1/policy", new { template = "medical-strict" }, _ct));
        await Changed("the tenant's policy");
        var cluster = (await _clinic.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/guidelines/documents", _ct)).EnumerateArray()
            .Single(d => d.GetProperty("fileName").GetString() == "cluster.md").GetProperty("id").GetString();
        using (await _clinic.DeleteAsync($"/api/v1/documents/{cluster}", _ct)) { }
        await Changed("a document deleted");
    }
}
