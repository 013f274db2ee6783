using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Portal;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// A data folder (SQLite) and a PostgreSQL database written by the current release (Fixtures/upgrade, made by
/// make-fixture.sh with that release's own server) are opened by today's code, migrated, and everything the release
/// said about them still holds: keys, users, documents, versions, chunks, the disabled chunk, searches, handoffs.
/// </summary>
/// <remarks>
/// Not on the test base (PlatformTest), whose class fixtures give a class one kind of database: the two tests here use
/// one kind each, and each fills its data folder and database from the release's files before any server opens them.
/// </remarks>
public sealed class UpgradeTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "upgrade");
    private static readonly JsonElement Release = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "release.json"))).RootElement;

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private TestDatabase? _database;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_data_folder_written_by_the_release_is_migrated_and_everything_in_it_still_works()
    {
        ZipFile.ExtractToDirectory(Path.Combine(Fixtures, "release-sqlite.zip"), _data);
        _database = TestDatabase.Sqlite();
        await _database.CreateAsync(_data, _ct);

        await AssertUpgradedAsync(Release.GetProperty("sqlite"));
    }

    [Fact]
    public async Task A_postgres_database_written_by_the_release_is_migrated_and_everything_in_it_still_works()
    {
        ZipFile.ExtractToDirectory(Path.Combine(Fixtures, "release-postgres.zip"), _data);
        _database = TestDatabase.Postgres(server);
        await _database.CreateAsync(_data, _ct);
        await using (var db = _database.NewContext())
        {
            // pg_dump --inserts: plain statements, no COPY blocks, so the whole dump runs as one batch.
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await connection.OpenAsync(_ct);
            await using var restore = new NpgsqlCommand(await File.ReadAllTextAsync(Path.Combine(_data, "metadata.sql"), _ct), connection);
            await restore.ExecuteNonQueryAsync(_ct);
        }

        await AssertUpgradedAsync(Release.GetProperty("postgres"));
    }

    private async Task AssertUpgradedAsync(JsonElement release)
    {
        await using (var db = _database!.NewContext())
        {
            Assert.Contains(await db.Database.GetAppliedMigrationsAsync(_ct), m => m.EndsWith("_InitialSchema", StringComparison.Ordinal));
            Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync(_ct));
        }

        await using var host = new PlatformHost(_data, _database.Settings);
        await using (var db = _database.NewContext()) Assert.Empty(await db.Database.GetPendingMigrationsAsync(_ct));
        var keys = release.GetProperty("keys");
        using var clinic = host.Client(keys.GetProperty("clinic").GetString());
        using var shop = host.Client(keys.GetProperty("shop").GetString());
        using var readOnly = host.Client(keys.GetProperty("clinicReadOnly").GetString());
        using var platform = host.Client(keys.GetProperty("platformAdmin").GetString());

        // Every key still authenticates, with its scopes.
        Assert.Equal(HttpStatusCode.OK, (await platform.GetAsync("/api/v1/tenants", _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync("/api/v1/knowledge-bases/guidelines/documents", _ct)).StatusCode);
        using (var refused = await PlatformHost.UploadAsync(readOnly, "guidelines", "x.md", "# X\n\ntext", _ct))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // Documents, versions, chunks and the disabled chunk as the release described them.
        AssertSameDocuments(release.GetProperty("clinicDocuments"), await clinic.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/guidelines/documents", _ct));
        AssertSameDocuments(release.GetProperty("shopDocuments"), await shop.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/support/documents", _ct));
        var migraine = release.GetProperty("migraineChunks")[0].GetProperty("documentId").GetString();
        var chunks = await clinic.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{migraine}/chunks", _ct);
        Assert.Equal(Project(release.GetProperty("migraineChunks"), "id", "text", "enabled"), Project(chunks, "id", "text", "enabled"));

        // Searches find what they found, and never the disabled chunk.
        await AssertSameSearchAsync(clinic, "guidelines", "sumatriptan maximum dose", release.GetProperty("clinicSearch"));
        await AssertSameSearchAsync(shop, "support", "kettle warranty", release.GetProperty("shopSearch"));
        var propranolol = await (await clinic.PostAsJsonAsync("/api/v1/knowledge-bases/guidelines/search", new { query = "propranolol prevention", top = 10 }, _ct))
            .Content.ReadFromJsonAsync<JsonElement>(_ct);
        Assert.DoesNotContain(release.GetProperty("disabledChunk").GetString(), propranolol.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("chunkId").GetString()));

        // Users sign in; handoffs and conversations are there.
        foreach (var user in release.GetProperty("users").EnumerateArray())
            (await PortalSession.SignInAsync(host, user.GetProperty("email").GetString()!, _ct, user.GetProperty("password").GetString()!)).Dispose();
        var handoff = (await shop.GetFromJsonAsync<JsonElement>("/api/v1/handoffs", _ct)).EnumerateArray().Single();
        Assert.Equal(release.GetProperty("handoffs")[0].GetProperty("id").GetString(), handoff.GetProperty("id").GetString());
        Assert.NotEmpty(handoff.GetProperty("transcript").EnumerateArray());
        // The handoff sent before the inbox existed is an open item of it.
        var item = (await shop.GetFromJsonAsync<JsonElement>("/api/v1/inbox?kind=handoff", _ct)).EnumerateArray().Single();
        Assert.Equal(handoff.GetProperty("id").GetString(), item.GetProperty("sourceId").GetString());
        Assert.Equal("open", item.GetProperty("status").GetString());

        // Today's features on the release's data: a content version, an export with the stored originals, a new version
        // ingested over the old one (the disabled chunk stays disabled), the webhook signing secret.
        var answer = await (await clinic.PostAsJsonAsync("/api/v1/answers", new { question = "What is the maximum dose of sumatriptan?" }, _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct);
        Assert.StartsWith("kbv_", answer.GetProperty("knowledgeBase").GetProperty("version").GetString(), StringComparison.Ordinal);
        using (var export = await clinic.GetAsync("/api/v1/knowledge-bases/guidelines/export", _ct))
        using (var zip = new ZipArchive(await export.Content.ReadAsStreamAsync(_ct)))
            Assert.Equal(2, zip.Entries.Count(e => e.FullName.StartsWith("documents/", StringComparison.Ordinal)));
        var disabledText = chunks.EnumerateArray().Single(c => !c.GetProperty("enabled").GetBoolean()).GetProperty("text").GetString()!;
        var next = await PlatformHost.IngestAsync(clinic, "guidelines", "migraine.md", "# Migraine in adults\n\n## Prevention\n" + disabledText + "\n\n## Note\nReviewed after the upgrade.", _ct);
        Assert.Equal(3, next.GetProperty("version").GetInt32());
        var after = await clinic.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{migraine}/chunks", _ct);
        Assert.False(after.EnumerateArray().Single(c => c.GetProperty("text").GetString() == disabledText).GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await shop.GetAsync("/api/v1/webhooks/signing-secret", _ct)).StatusCode);
    }

    private static void AssertSameDocuments(JsonElement released, JsonElement now) =>
        Assert.Equal(Project(released, "id", "fileName", "version", "indexedVersion", "status", "chunkCount", "sizeBytes", "title", "effectiveDate", "tags"),
            Project(now, "id", "fileName", "version", "indexedVersion", "status", "chunkCount", "sizeBytes", "title", "effectiveDate", "tags"));

    private async Task AssertSameSearchAsync(HttpClient client, string kb, string query, JsonElement released)
    {
        var now = await (await client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/search", new { query, top = 3 }, _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct);
        Assert.Equal(Project(released.GetProperty("hits"), "chunkId", "text"), Project(now.GetProperty("hits"), "chunkId", "text"));
    }

    /// <summary>The named properties of each element, as text, sorted: what two listings must agree on.</summary>
    private static List<string> Project(JsonElement array, params string[] properties) =>
        array.EnumerateArray().Select(e => string.Join("|", properties.Select(p => e.TryGetProperty(p, out var v) ? JsonSerializer.Serialize(v) : "-")))
            .Order(StringComparer.Ordinal).ToList();
}
