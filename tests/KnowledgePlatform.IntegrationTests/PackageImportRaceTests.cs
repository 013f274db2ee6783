using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// An import whose documents are embedded again writes the metadata database while the ingestion worker it just woke
/// writes it too. On SQLite the writers take turns; one kept waiting past the lock timeout (a loaded machine: the
/// worker's transaction stalls) used to escape the endpoint as a 500 and leave the knowledge base half imported. The
/// delay is injected here: a second connection holds the write lock for longer than the host's lock timeout.
/// </summary>
/// <remarks>Each test has a server of its own: its database times out after one second.</remarks>
public sealed class PackageImportRaceTests() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    private HttpClient _source = null!;
    private HttpClient _target = null!;

    protected override string TenantName => "alpha";

    protected override string KnowledgeBase => "handbook";

    // A one-second lock timeout stands for the thirty seconds a loaded machine can exceed.
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Storage:ConnectionString"] = $"Data Source={Path.Combine(DataPath, "knowledge.db")};Pooling=True;Default Timeout=1",
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _source = Admin;
        _target = Client((await NewTenantAsync("beta", "own")).Key);
        var kettle = await PlatformHost.IngestAsync(_source, "handbook", "kettle.md", "# Kettle\n\n## Warranty\nThe kettle has a two year warranty from the date of purchase.", Ct);
        await PlatformHost.IngestAsync(_source, "handbook", "toaster.md", "# Toaster\n\nA toaster that arrives damaged is refunded in full within 30 days.", Ct);
        using var tag = await _source.PatchAsJsonAsync($"/api/v1/documents/{kettle.GetProperty("id").GetString()}/metadata", new { tags = new[] { "appliances" } }, Ct);
        tag.EnsureSuccessStatusCode();
    }

    /// <summary>The handbook as a package of another embedding model: importing it runs the documents through the pipeline.</summary>
    private async Task<byte[]> PackageOfAnotherModelAsync()
    {
        var package = await (await _source.GetAsync("/api/v1/knowledge-bases/handbook/export", Ct)).Content.ReadAsByteArrayAsync(Ct);
        using var buffer = new MemoryStream();
        buffer.Write(package);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            JsonNode manifest;
            using (var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open())) manifest = JsonNode.Parse(await reader.ReadToEndAsync(Ct))!;
            manifest["embedding"]!["model"] = "some-other-model";
            zip.GetEntry("manifest.json")!.Delete();
            await using var entry = zip.CreateEntry("manifest.json").Open();
            await entry.WriteAsync(Encoding.UTF8.GetBytes(manifest.ToJsonString()), Ct);
        }
        return buffer.ToArray();
    }

    private async Task<HttpResponseMessage> ImportAsync(byte[] package)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(package);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "package", "handbook.kp.zip");
        return await _target.PostAsync("/api/v1/knowledge-bases/import", form, Ct);
    }

    /// <summary>Holds SQLite's write lock on the metadata database for <paramref name="duration"/>, as a stalled writer would.</summary>
    private async Task HoldWriteLockAsync(TimeSpan duration, TaskCompletionSource held)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(DataPath, "knowledge.db")};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(Ct);
        held.SetResult();
        await Task.Delay(duration, Ct);
        await transaction.RollbackAsync(Ct);
    }

    [Fact]
    public async Task An_import_that_waits_for_the_database_longer_than_its_lock_timeout_completes_instead_of_answering_500()
    {
        var package = await PackageOfAnotherModelAsync();
        var held = new TaskCompletionSource();
        var stall = HoldWriteLockAsync(TimeSpan.FromSeconds(3), held);
        await held.Task;

        using var imported = await ImportAsync(package);
        await stall;

        Assert.NotEqual(HttpStatusCode.InternalServerError, imported.StatusCode);
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var documents = (await _target.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/handbook/documents", Ct)).EnumerateArray().ToList();
        Assert.Equal(2, documents.Count);
        foreach (var document in documents)
            Assert.Equal("ready", (await PlatformHost.WaitForIngestionAsync(_target, document.GetProperty("statusUrl").GetString()!, Ct)).GetProperty("status").GetString());
        // The tags travelled with the documents into the pipeline: the index has them.
        using var tagged = await _target.PostAsJsonAsync("/api/v1/knowledge-bases/handbook/search", new { query = "warranty", filter = new { tags = new[] { "appliances" } } }, Ct);
        Assert.Contains("two year warranty", (await tagged.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("hits")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_the_database_refuses_for_good_answers_503_and_leaves_nothing_behind()
    {
        var package = await PackageOfAnotherModelAsync();
        var held = new TaskCompletionSource();
        var stall = HoldWriteLockAsync(TimeSpan.FromSeconds(30), held);
        await held.Task;

        using var refused = await ImportAsync(package);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("storage_busy", (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        await stall;
        Assert.DoesNotContain("handbook", (await _target.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases", Ct)).EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        using var again = await ImportAsync(package);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }
}
