using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Portal;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>The audit log names its actors, says what each record did in words, filters by families of actions and exports CSV.</summary>
public abstract class AuditLogTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : AuditLogTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : AuditLogTests(TestDatabase.Postgres(server));

    private const string Email = "lead@shop.example";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _data = PlatformHost.NewDataPath();
    private PlatformHost _host = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        await database.CreateAsync(_data, _ct);
        _host = new PlatformHost(_data, database.Settings);
        var key = await _host.CreateTenantAsync("shop", "support", _ct);
        _admin = _host.Client(key);
        await PortalSession.CreateUserAsync(_host, key, Email, "tenant-admin", _ct);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_portal_users_changes_are_logged_under_their_email_filtered_by_family_and_exported_as_csv()
    {
        using var lead = await PortalSession.SignInAsync(_host, Email, _ct);
        using (var created = await lead.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "returns" }, _ct)) Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var upload = await PlatformHost.UploadAsync(lead, "returns", "returns.md", "# Returns\n\nReturns are free within 30 days, with the receipt.", _ct))
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        using (var asked = await _admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "Do you ship to Mars?" }, _ct)) asked.EnsureSuccessStatusCode();

        var records = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/audit", _ct);
        var creation = records.EnumerateArray().Single(r => r.GetProperty("action").GetString() == "knowledge_base.created" && r.GetProperty("detail").GetProperty("name").GetString() == "returns");
        Assert.Equal(Email, creation.GetProperty("actorName").GetString());
        Assert.StartsWith("user:", creation.GetProperty("actor").GetString());
        Assert.Equal("Knowledge base created", creation.GetProperty("label").GetString());
        var ask = records.EnumerateArray().Single(r => r.GetProperty("action").GetString() == "ask");
        Assert.Equal("“Do you ship to Mars?” → insufficient evidence", ask.GetProperty("summary").GetString());
        Assert.Equal("API key “test”", ask.GetProperty("actorName").GetString());

        // A family of actions, and the actors the log holds with their names.
        var documents = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=document.*", _ct);
        Assert.Equal(["document.uploaded"], documents.EnumerateArray().Select(r => r.GetProperty("action").GetString()));
        var facets = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/facets", _ct);
        Assert.Contains(facets.GetProperty("actors").EnumerateArray(), a => a.GetProperty("name").GetString() == Email);
        Assert.Contains("document.uploaded", facets.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));

        // The export holds the same filtered records, one a line, names included; a formula never starts a cell.
        using var export = await _admin.GetAsync($"/api/v1/audit/export?actor={Uri.EscapeDataString(creation.GetProperty("actor").GetString()!)}", _ct);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var lines = Encoding.UTF8.GetString(await export.Content.ReadAsByteArrayAsync(_ct)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at,actor,actor_name,channel,action,label,subject,summary,detail", lines[0]);
        Assert.Equal(2, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Contains($",{Email},portal,", l));
        Assert.Contains(lines, l => l.Contains(",document.uploaded,Document uploaded,", StringComparison.Ordinal) && l.Contains("returns.md", StringComparison.Ordinal));

        // An ask-only key cannot read the log.
        using var askKey = await _admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "asker", scopes = new[] { "ask" } }, _ct);
        using var asker = _host.Client((await askKey.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.Forbidden, (await asker.GetAsync("/api/v1/audit/export", _ct)).StatusCode);
    }
}
