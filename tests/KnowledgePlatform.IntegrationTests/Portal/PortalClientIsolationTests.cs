using System.Security.Claims;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using KnowledgePlatform.Server.Ingestion;
using KnowledgePlatform.Server.Portal;
using KnowledgePlatform.Server.Security;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// The portal's server-side clients of the API (<see cref="PortalApi"/> and the ingestion progress feed), used by two
/// tenants' circuits one call after the other through the one registration every circuit shares: each call must
/// carry only its own user's identity, so neither tenant ever sees the other's data. Counted as portal probes.
/// </summary>
public sealed class PortalClientIsolationTests : TwoTenantPortalTest
{
    /// <summary>A circuit's services: a scope whose authentication state is the user's, as Blazor sets it for a signed-in circuit.</summary>
    private async Task<AsyncServiceScope> CircuitAsync(PortalTenant tenant)
    {
        var scope = Host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByEmailAsync(tenant.AdminEmail) ?? throw new InvalidOperationException(tenant.AdminEmail);
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<PortalUser>>().CreateAsync(user);
        var state = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        state.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(principal))));
        return scope;
    }

    /// <summary>Every API call the portal's pages make, as (what, call) for one tenant.</summary>
    private static IEnumerable<(string Call, Func<PortalApi, Task<string>> Run)> PortalCalls(PortalTenant t, string chunkId)
    {
        (string, Func<PortalApi, Task<string>>) Get(string url) => ("GET " + url, async api => (await api.GetAsync<JsonElement>(url)).GetRawText());
        yield return Get("/api/v1/knowledge-bases");
        yield return Get($"/api/v1/knowledge-bases/{t.KnowledgeBase}");
        yield return Get($"/api/v1/knowledge-bases/{t.KnowledgeBase}/documents");
        yield return Get($"/api/v1/knowledge-bases/{t.KnowledgeBase}/policy");
        yield return Get($"/api/v1/knowledge-bases/{t.KnowledgeBase}/retrieval");
        yield return Get($"/api/v1/documents/{t.DocumentId}");
        yield return Get($"/api/v1/documents/{t.DocumentId}/chunks");
        yield return Get("/api/v1/users");
        yield return Get("/api/v1/api-keys");
        yield return Get("/api/v1/audit");
        yield return Get("/api/v1/dashboard?days=7");
        yield return Get("/api/v1/policy");
        yield return Get("/api/v1/policy-templates");
        yield return Get("/api/v1/widget-settings");
        yield return ("POST search", async api => (await api.PostAsync<JsonElement>($"/api/v1/knowledge-bases/{t.KnowledgeBase}/search", new { query = "When does the office open?" })).GetRawText());
        yield return ("PUT chunk enabled", async api => (await api.PutAsync<JsonElement>($"/api/v1/chunks/{chunkId}/enabled", new { enabled = true })).GetRawText());
        yield return ("POST ask as api", async api => (await api.PostAsChannelAsync<JsonElement>("api", $"/api/v1/knowledge-bases/{t.KnowledgeBase}/ask", new { question = "When does the office open?" })).GetRawText());
        yield return ("POST clinical answer as api", async api => (await api.PostAsChannelAsync<JsonElement>("api", "/api/v1/answers", new { question = "When does the office open?", knowledgeBase = t.KnowledgeBase })).GetRawText());
        yield return ("POST ask as widget (stream)", async api =>
        {
            var events = new List<string>();
            await foreach (var item in api.StreamAsChannelAsync("widget", $"/api/v1/knowledge-bases/{t.KnowledgeBase}/ask", new { question = "When does the office open?", stream = true }))
                events.Add(item.EventType + " " + item.Data.GetRawText());
            return string.Join("\n", events);
        });
    }

    [Fact]
    public async Task Two_tenants_circuits_calling_the_api_alternately_through_the_portal_client_each_see_only_their_own_data()
    {
        var tenants = new[] { Orchid, Walrus };
        var chunks = new Dictionary<string, string>();
        foreach (var t in tenants) chunks[t.Word] = await FirstChunkIdAsync(t);
        var circuits = new Dictionary<string, AsyncServiceScope>();
        foreach (var t in tenants) circuits[t.Word] = await CircuitAsync(t);
        var probes = 0;
        var leaks = new List<string>();
        try
        {
            // Round after round, each call made by one circuit and then by the other, through the shared registration.
            for (var round = 0; round < 3; round++)
            {
                var calls = tenants.ToDictionary(t => t.Word, t => PortalCalls(t, chunks[t.Word]).ToList());
                for (var i = 0; i < calls[Orchid.Word].Count; i++)
                {
                    foreach (var t in tenants)
                    {
                        var other = t == Orchid ? Walrus : Orchid;
                        var (call, run) = calls[t.Word][i];
                        probes++;
                        var api = circuits[t.Word].ServiceProvider.GetRequiredService<PortalApi>();
                        string text;
                        try
                        {
                            text = await run(api);
                        }
                        catch (PortalApiException ex)
                        {
                            leaks.Add($"{t.Word}: {call} failed: {ex.Status} {ex.Message}");
                            continue;
                        }
                        if (text.Contains(other.Word, StringComparison.OrdinalIgnoreCase)) leaks.Add($"{t.Word}: {call} showed {other.Word}'s data: {Clip(text)}");
                    }
                }
            }
            // The calls did reach each tenant's own data.
            var orchidApi = circuits[Orchid.Word].ServiceProvider.GetRequiredService<PortalApi>();
            Assert.Contains(Orchid.AdminEmail, (await orchidApi.GetAsync<JsonElement>("/api/v1/users", Ct)).GetRawText());
        }
        finally
        {
            foreach (var scope in circuits.Values) await scope.DisposeAsync();
        }

        var summary = $"{probes} portal client probes (two tenants' circuits interleaved), {leaks.Count} leaks";
        TestSummary.Report(summary);
        Assert.True(leaks.Count == 0, summary + ":\n" + string.Join("\n", leaks));
    }

    [Fact]
    public async Task Each_circuits_ingestion_feed_hears_only_its_own_tenants_documents()
    {
        var heard = new Dictionary<string, List<DocumentProgress>> { [Orchid.Word] = [], [Walrus.Word] = [] };
        var scopes = new List<AsyncServiceScope>();
        var feeds = new Dictionary<string, IIngestionFeed>();
        try
        {
            // Subscribed one after the other, as two users opening their documents pages.
            foreach (var t in new[] { Orchid, Walrus })
            {
                var scope = await CircuitAsync(t);
                scopes.Add(scope);
                var feed = scope.ServiceProvider.GetRequiredService<IIngestionFeed>();
                var list = heard[t.Word];
                feed.Progress += p =>
                {
                    lock (list) list.Add(p);
                    return Task.CompletedTask;
                };
                await feed.StartAsync(Ct);
                feeds[t.Word] = feed;
            }

            var uploaded = new Dictionary<string, string>();
            foreach (var t in new[] { Orchid, Walrus })
            {
                using var api = Host.Client(t.AdminKey);
                var document = await PlatformHost.IngestAsync(api, t.KnowledgeBase, t.Word + "-later.md", $"# Later\n\nThe {t.Word} office closes at five.", Ct);
                uploaded[t.Word] = document.GetProperty("id").GetString()!;
            }
            // Each feed hears its own document become ready (pushed, so wait for it).
            foreach (var t in new[] { Orchid, Walrus })
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (!Heard(t.Word, uploaded[t.Word]) && DateTime.UtcNow < deadline) await Task.Delay(50, Ct);
                Assert.True(Heard(t.Word, uploaded[t.Word]), $"{t.Word}'s feed never heard its own document");
            }
            Assert.False(Heard(Orchid.Word, uploaded[Walrus.Word]), "the orchid circuit heard the walrus tenant's document");
            Assert.False(Heard(Walrus.Word, uploaded[Orchid.Word]), "the walrus circuit heard the orchid tenant's document");
        }
        finally
        {
            foreach (var feed in feeds.Values) await feed.DisposeAsync();
            foreach (var scope in scopes) await scope.DisposeAsync();
        }

        bool Heard(string word, string documentId)
        {
            lock (heard[word]) return heard[word].Any(p => p.DocumentId == documentId);
        }
    }

    [Fact]
    public async Task A_call_the_portal_makes_for_a_user_is_never_answered_with_a_renewed_sign_in_cookie()
    {
        await using var circuit = await CircuitAsync(Orchid);
        var cookie = await circuit.ServiceProvider.GetRequiredService<PortalCredential>().CookieAsync();
        using var http = Host.Client();
        foreach (var url in new[] { "/api/v1/knowledge-bases", "/api/v1/users", "/api/v1/me" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("Cookie", $"{PortalIdentity.CookieName}={cookie}");
            using var response = await http.SendAsync(request, Ct);
            response.EnsureSuccessStatusCode();
            Assert.False(response.Headers.Contains("Set-Cookie"), $"{url} answered the portal's delegated call with a cookie");
        }
    }

    private static string Clip(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
