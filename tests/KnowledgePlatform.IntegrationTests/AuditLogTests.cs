using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Portal;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>The audit log names its actors, says what each record did in words, filters by families of actions and exports CSV.</summary>
public abstract class AuditLogTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : AuditLogTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : AuditLogTests(platform), IClassFixture<PostgresPlatform>;

    protected override string TenantName => "shop";

    private string Lead => Email("lead");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await PortalSession.CreateUserAsync(Host, Tenant.Key, Lead, "tenant-admin", Ct);
    }

    [Fact]
    public async Task A_portal_users_changes_are_logged_under_their_email_filtered_by_family_and_exported_as_csv()
    {
        using var lead = await PortalSession.SignInAsync(Host, Lead, Ct);
        using (var created = await lead.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "returns" }, Ct)) Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var upload = await PlatformHost.UploadAsync(lead, "returns", "returns.md", "# Returns\n\nReturns are free within 30 days, with the receipt.", Ct))
            Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        using (var asked = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", new { question = "Do you ship to Mars?" }, Ct)) asked.EnsureSuccessStatusCode();

        var records = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/audit", Ct);
        var creation = records.EnumerateArray().Single(r => r.GetProperty("action").GetString() == "knowledge_base.created" && r.GetProperty("detail").GetProperty("name").GetString() == "returns");
        Assert.Equal(Lead, creation.GetProperty("actorName").GetString());
        Assert.StartsWith("user:", creation.GetProperty("actor").GetString());
        Assert.Equal("Knowledge base created", creation.GetProperty("label").GetString());
        var ask = records.EnumerateArray().Single(r => r.GetProperty("action").GetString() == "ask");
        Assert.Equal("“Do you ship to Mars?” → insufficient evidence", ask.GetProperty("summary").GetString());
        Assert.Equal("API key “test”", ask.GetProperty("actorName").GetString());

        // A family of actions, and the actors the log holds with their names.
        var documents = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=document.*", Ct);
        Assert.Equal(["document.uploaded"], documents.EnumerateArray().Select(r => r.GetProperty("action").GetString()));
        var facets = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/audit/facets", Ct);
        Assert.Contains(facets.GetProperty("actors").EnumerateArray(), a => a.GetProperty("name").GetString() == Lead);
        Assert.Contains("document.uploaded", facets.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));

        // The export holds the same filtered records, one a line, names included; a formula never starts a cell.
        using var export = await Admin.GetAsync($"/api/v1/audit/export?actor={Uri.EscapeDataString(creation.GetProperty("actor").GetString()!)}", Ct);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var lines = Encoding.UTF8.GetString(await export.Content.ReadAsByteArrayAsync(Ct)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at,actor,actor_name,channel,action,label,subject,summary,detail", lines[0]);
        Assert.Equal(2, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Contains($",{Lead},portal,", l));
        Assert.Contains(lines, l => l.Contains(",document.uploaded,Document uploaded,", StringComparison.Ordinal) && l.Contains("returns.md", StringComparison.Ordinal));

        // An ask-only key cannot read the log.
        using var askKey = await Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "asker", scopes = new[] { "ask" } }, Ct);
        using var asker = Host.Client((await askKey.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.Forbidden, (await asker.GetAsync("/api/v1/audit/export", Ct)).StatusCode);
    }
}
