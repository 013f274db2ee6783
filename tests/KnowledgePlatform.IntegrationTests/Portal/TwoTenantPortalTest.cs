using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// A test of the portal as two tenants, "orchid" and "walrus", on one server: each seeded with data on every portal page
/// (a document, a portal admin, a named key, a policy, widget settings and an unanswered question).
/// </summary>
/// <remarks>Each test has a server of its own: the two tenants' ids and users are fixed, and every word of one must be absent from the other's pages.</remarks>
public abstract class TwoTenantPortalTest() : PlatformTest(TestPlatform.Owned(TestDatabase.Sqlite()))
{
    protected override string? TenantName => null;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Security:RateLimits:KeyRequestsPerMinute"] = "100000",
        ["Security:RateLimits:TenantRequestsPerMinute"] = "100000",
    };

    protected PortalTenant Orchid { get; private set; } = null!;

    protected PortalTenant Walrus { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Orchid = await SeedAsync(Host, "orchid", Ct);
        Walrus = await SeedAsync(Host, "walrus", Ct);
    }

    private static async Task<PortalTenant> SeedAsync(PlatformHost host, string word, CancellationToken ct)
    {
        var kb = word + "-handbook";
        var key = await host.CreateTenantAsync("tenant-" + word, kb, ct);
        using var api = host.Client(key);
        var document = await PlatformHost.IngestAsync(api, kb, word + "-notes.md", $"# {word} opening hours\n\nThe {word} office opens at nine in the morning.", ct);
        var email = $"admin@{word}.example";
        await PortalSession.CreateUserAsync(host, key, email, "tenant-admin", ct);
        await SucceedAsync(api.PostAsJsonAsync("/api/v1/api-keys", new { name = word + "-integration", scopes = new[] { "read" } }, PlatformHost.Json, ct));
        await SucceedAsync(api.PutAsJsonAsync("/api/v1/policy", new { overrides = new { blockedTopics = new[] { word + "-astrology" } } }, PlatformHost.Json, ct));
        await SucceedAsync(api.PutAsJsonAsync("/api/v1/widget-settings", new { title = word + " helper" }, PlatformHost.Json, ct));
        // Unanswerable: it lands on the dashboard's unanswered questions and in the audit log.
        await SucceedAsync(api.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/ask", new { question = $"What does the {word} submarine ticket cost?" }, PlatformHost.Json, ct));
        return new PortalTenant(word, key, email, kb, document.GetProperty("id").GetString()!);
    }

    private static async Task SucceedAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The id of the first chunk of the tenant's document.</summary>
    protected async Task<string> FirstChunkIdAsync(PortalTenant tenant)
    {
        using var api = Host.Client(tenant.AdminKey);
        var chunks = await api.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{tenant.DocumentId}/chunks", Ct);
        return chunks[0].GetProperty("id").GetString()!;
    }
}
