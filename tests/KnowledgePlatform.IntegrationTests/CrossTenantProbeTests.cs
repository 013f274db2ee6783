// Over 300 lines: one table of probes (every tenant-scoped route, read and write, by id and by list) run from the other tenant, on SQLite and PostgreSQL.
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Security.Cryptography;
using KnowledgePlatform.IntegrationTests.CdsHooks;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// An attacker with a full admin key of its own tenant probes every endpoint with the victim tenant's
/// ids, names and crafted filters. Every probe must answer 404 (or the attacker's own data only) and no
/// response may contain anything of the victim's.
/// </summary>
public abstract class CrossTenantProbeTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite() : CrossTenantProbeTests(TestPlatform.Owned(TestDatabase.Sqlite()));

    public sealed class OnPostgres(PostgresServer server) : CrossTenantProbeTests(TestPlatform.Owned(TestDatabase.Postgres(server)));

    // The attacker asks about the "saffron protocol"; only the victim's data holds the code and the room.
    private const string Topic = "saffron protocol";
    private const string VictimSecret = "ZEBRA-7731 saffron protocol is stored in room 12";
    // A platform knowledge base published to the victim only (decision 0042).
    private const string SharedSecret = "ATLAS-4410 saffron protocol handbook";
    private const string PlatformKey = "kp_platform_admin_key_for_probe_tests_0123456789";
    // The victim's EHR, registered for CDS Hooks; the attacker knows its issuer, its sub and its public keys.
    private const string VictimEhrIssuer = "https://ehr.victim.example/";
    private const string VictimEhrSubject = "victim-ehr";
    // A visitor of the victim asked for a person: the handoff is in the victim's inbox.
    private const string VictimHandoff = "OKAPI-5520 please call me back";

    private HttpClient _attacker = null!;
    private HttpClient _victim = null!;
    private readonly Dictionary<string, string> _victimIds = [];
    private readonly ECDsa _victimEhrKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    // Each test has a server of its own: the probes name the tenants, the platform's knowledge base and the EHR as they are.
    protected override string? TenantName => null;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Security:RateLimits:KeyRequestsPerMinute"] = "100000",
        ["Security:RateLimits:TenantRequestsPerMinute"] = "100000",
        ["Platform:AdminKey"] = PlatformKey,
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _attacker = Host.Client(await Host.CreateTenantAsync("attacker", "mine", Ct));
        var victimKey = await Host.CreateTenantAsync("victim", "vault", Ct);
        _victim = Host.Client(victimKey);

        using var upload = await PlatformHost.UploadAsync(_victim, "vault", "secret.md", $"# Vault\n\nThe {VictimSecret}.", Ct);
        var document = await PlatformHost.WaitForIngestionAsync(_victim, (await upload.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("statusUrl").GetString()!, Ct);
        using var upload2 = await PlatformHost.UploadAsync(_attacker, "mine", "mine.md", "# Mine\n\nThe attacker's own protocol notes about rooms.", Ct);
        await PlatformHost.WaitForIngestionAsync(_attacker, (await upload2.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("statusUrl").GetString()!, Ct);
        using (await _victim.PostAsJsonAsync("/api/v1/knowledge-bases/vault/search", new { query = "saffron" }, Ct)) { }

        var kb = await _victim.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/vault", Ct);
        var keys = await _victim.GetFromJsonAsync<JsonElement>("/api/v1/api-keys", Ct);
        var audit = await _victim.GetFromJsonAsync<JsonElement>("/api/v1/audit", Ct);
        _victimIds["kb"] = kb.GetProperty("id").GetString()!;
        _victimIds["kbName"] = "vault";
        _victimIds["doc"] = document.GetProperty("id").GetString()!;
        _victimIds["chunk"] = $"{_victimIds["doc"]}-v1-00000";
        _victimIds["key"] = keys[0].GetProperty("id").GetString()!;
        _victimIds["audit"] = audit[0].GetProperty("id").GetString()!;
        _victimIds["tenant"] = "victim";
        using (var asked = await _victim.PostAsJsonAsync("/api/v1/knowledge-bases/vault/ask", new { question = $"Where is the {Topic} stored?" }, Ct))
            _victimIds["conversation"] = (await asked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("conversationId").GetString()!;
        using (var handoff = await _victim.PostAsJsonAsync("/api/v1/handoffs", new { conversationId = _victimIds["conversation"], message = VictimHandoff }, Ct)) handoff.EnsureSuccessStatusCode();
        _victimIds["inbox"] = (await _victim.GetFromJsonAsync<JsonElement>("/api/v1/inbox", Ct))[0].GetProperty("id").GetString()!;
        using (var user = await _victim.PostAsJsonAsync("/api/v1/users", new { email = "curator@victim.example", password = "correct-horse-battery", role = "curator" }, Ct))
            _victimIds["user"] = (await user.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;

        using var platform = Host.Client(PlatformKey);
        using (var create = await platform.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "atlas" }, Ct))
            _victimIds["sharedKb"] = (await create.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        _victimIds["sharedKbName"] = "atlas";
        using var upload3 = await PlatformHost.UploadAsync(platform, "atlas", "atlas.md", $"# Atlas\n\nThe {SharedSecret} lives here.", Ct);
        _victimIds["sharedDoc"] = (await PlatformHost.WaitForIngestionAsync(platform, (await upload3.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("statusUrl").GetString()!, Ct)).GetProperty("id").GetString()!;
        using (var grant = await platform.PutAsync("/api/v1/platform/knowledge-bases/atlas/shares/victim", null, Ct)) grant.EnsureSuccessStatusCode();

        await SetUpVictimCdsHooksAsync();
    }

    /// <summary>The victim offers its knowledge base to its EHR on patient-view, registers the EHR, and the EHR calls once.</summary>
    private async Task SetUpVictimCdsHooksAsync()
    {
        using (var service = await _victim.PostAsJsonAsync("/api/v1/cds-hooks/services", new { knowledgeBase = "vault", hook = "patient-view" }, Ct))
        {
            var created = await service.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct);
            _victimIds["cdsService"] = created.GetProperty("id").GetString()!;
            _victimIds["cdsServiceId"] = created.GetProperty("serviceId").GetString()!;
        }
        var jwks = JsonSerializer.Deserialize<JsonElement>(CdsHooksHost.PublicJwks(_victimEhrKey, "victim-ehr-1"));
        using (var client = await _victim.PostAsJsonAsync("/api/v1/cds-hooks/clients", new { name = "Victim Ward EHR", issuer = VictimEhrIssuer, clientId = VictimEhrSubject, jwks }, Ct))
            _victimIds["cdsClient"] = (await client.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        _victimIds["hookInstance"] = Guid.NewGuid().ToString();
        using (var call = await _victim.PostAsJsonAsync($"/cds-services/{_victimIds["cdsServiceId"]}", CdsCall(_victimIds["hookInstance"]), Ct)) call.EnsureSuccessStatusCode();
        var invocations = await _victim.GetFromJsonAsync<JsonElement>("/api/v1/cds-hooks/invocations", Ct);
        _victimIds["cdsInvocation"] = invocations[0].GetProperty("id").GetString()!;
    }

    private static object CdsCall(string hookInstance) => new
    {
        hook = "patient-view", hookInstance, context = new { userId = "Practitioner/example", patientId = "1288992" },
        prefetch = new { conditions = new { resourceType = "Bundle", type = "searchset", entry = Array.Empty<object>() } },
    };

    public override async ValueTask DisposeAsync()
    {
        _attacker.Dispose();
        _victim.Dispose();
        _victimEhrKey.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>Ways to spell an id that a sloppy lookup might still resolve.</summary>
    private static IEnumerable<string> Spellings(string id) =>
        [id, id.ToUpperInvariant(), Uri.EscapeDataString(id), id + "%20", "%20" + id, $"mine/../{id}", id + "%00", $"{id}?tenant=victim"];

    private IEnumerable<(HttpMethod Method, string Url, object? Body)> Probes()
    {
        foreach (var kb in new[] { _victimIds["kb"], _victimIds["kbName"] }.SelectMany(Spellings))
        {
            yield return (HttpMethod.Get, $"/api/v1/knowledge-bases/{kb}", null);
            yield return (HttpMethod.Delete, $"/api/v1/knowledge-bases/{kb}", null);
            yield return (HttpMethod.Get, $"/api/v1/knowledge-bases/{kb}/documents", null);
            yield return (HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/documents", "upload");
            yield return (HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/search", new { query = Topic });
            yield return (HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/ask", new { question = $"Where is the {Topic} stored?" });
            yield return (HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/ask", new { question = $"Where is the {Topic} stored?", stream = true });
            // Routes the portal, the widget and the clinical API added.
            yield return (HttpMethod.Get, $"/api/v1/knowledge-bases/{kb}/policy", null);
            yield return (HttpMethod.Put, $"/api/v1/knowledge-bases/{kb}/policy", new { blockedTopics = new[] { "everything" } });
            yield return (HttpMethod.Patch, $"/api/v1/knowledge-bases/{kb}", new { description = "taken over" });
            yield return (HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/qa", new { question = "Planted?", answer = "Planted." });
            yield return (HttpMethod.Post, "/api/v1/evidence", new { question = $"Where is the {Topic} stored?", knowledgeBase = kb });
            yield return (HttpMethod.Post, "/api/v1/answers", new { question = $"Where is the {Topic} stored?", knowledgeBase = kb });
            yield return (HttpMethod.Post, "/v1/chat/completions", new { kb, messages = new[] { new { role = "user", content = $"Where is the {Topic} stored?" } } });
            yield return (HttpMethod.Post, "/api/v1/cds-hooks/services", new { knowledgeBase = kb, hook = "order-sign", serviceId = "planted-order-sign" });
        }
        // A knowledge base shared with the victim only: to the attacker it does not exist, and publishing is not its to do.
        foreach (var kb in new[] { _victimIds["sharedKb"], _victimIds["sharedKbName"] }.SelectMany(Spellings))
        {
            yield return (HttpMethod.Get, $"/api/v1/knowledge-bases/{kb}", null);
            yield return (HttpMethod.Get, $"/api/v1/knowledge-bases/{kb}/documents", null);
            yield return (HttpMethod.Get, $"/api/v1/knowledge-bases/{kb}/retrieval", null);
            yield return (HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/search", new { query = Topic });
            yield return (HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/ask", new { question = $"What is in the {Topic} handbook?" });
            yield return (HttpMethod.Post, "/api/v1/search", new { query = Topic, knowledgeBases = new[] { "mine", kb } });
            yield return (HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/documents", "upload");
            yield return (HttpMethod.Delete, $"/api/v1/knowledge-bases/{kb}", null);
            yield return (HttpMethod.Put, $"/api/v1/platform/knowledge-bases/{kb}/shares/attacker", null);
            yield return (HttpMethod.Get, $"/api/v1/platform/knowledge-bases/{kb}/shares", null);
            yield return (HttpMethod.Delete, $"/api/v1/platform/knowledge-bases/{kb}/shares/victim", null);
        }
        foreach (var doc in Spellings(_victimIds["sharedDoc"]))
        {
            yield return (HttpMethod.Get, $"/api/v1/documents/{doc}", null);
            yield return (HttpMethod.Delete, $"/api/v1/documents/{doc}", null);
            yield return (HttpMethod.Get, $"/api/v1/documents/{doc}/content", null);
            yield return (HttpMethod.Get, $"/api/v1/documents/{doc}/passage?quote=ATLAS", null);
        }
        yield return (HttpMethod.Post, "/api/v1/knowledge-bases/mine/search", new { query = Topic, includeShared = true });
        yield return (HttpMethod.Post, "/api/v1/knowledge-bases/mine/ask", new { question = $"What is in the {Topic} handbook?", includeShared = true });
        yield return (HttpMethod.Put, "/api/v1/platform/tenants/attacker/quotas", new { tokensPerDay = long.MaxValue });
        foreach (var doc in new[] { _victimIds["doc"], _victimIds["chunk"] }.SelectMany(Spellings))
        {
            yield return (HttpMethod.Get, $"/api/v1/documents/{doc}", null);
            yield return (HttpMethod.Delete, $"/api/v1/documents/{doc}", null);
        }
        foreach (var doc in Spellings(_victimIds["doc"]))
        {
            yield return (HttpMethod.Get, $"/api/v1/documents/{doc}/content", null);
            yield return (HttpMethod.Get, $"/api/v1/documents/{doc}/content?version=1", null);
            yield return (HttpMethod.Get, $"/api/v1/documents/{doc}/passage?quote=ZEBRA", null);
            yield return (HttpMethod.Get, $"/api/v1/documents/{doc}/passage?chunk={_victimIds["chunk"]}", null);
            yield return (HttpMethod.Get, $"/api/v1/documents/{doc}/chunks", null);
            yield return (HttpMethod.Post, $"/api/v1/documents/{doc}/retry", null);
        }
        foreach (var chunk in Spellings(_victimIds["chunk"]))
        {
            yield return (HttpMethod.Put, $"/api/v1/chunks/{chunk}", new { text = "Overwritten by the attacker." });
            yield return (HttpMethod.Put, $"/api/v1/chunks/{chunk}/enabled", new { enabled = false });
            yield return (HttpMethod.Delete, $"/api/v1/chunks/{chunk}", null);
        }
        foreach (var conversation in Spellings(_victimIds["conversation"]))
        {
            yield return (HttpMethod.Post, "/api/v1/feedback", new { rating = "down", conversationId = conversation, comment = "planted" });
            yield return (HttpMethod.Post, "/api/v1/handoffs", new { conversationId = conversation, contact = "attacker@example.com" });
            yield return (HttpMethod.Post, "/api/v1/knowledge-bases/mine/ask", new { question = "And then?", conversationId = conversation });
        }
        foreach (var user in Spellings(_victimIds["user"]))
        {
            yield return (HttpMethod.Put, $"/api/v1/users/{user}", new { role = "viewer" });
            yield return (HttpMethod.Delete, $"/api/v1/users/{user}", null);
        }
        yield return (HttpMethod.Put, "/api/v1/widget-settings", new { apiKeyId = _victimIds["key"], title = "Taken over" });
        yield return (HttpMethod.Get, "/api/v1/users?tenant=victim", null);
        foreach (var key in Spellings(_victimIds["key"]))
        {
            yield return (HttpMethod.Delete, $"/api/v1/api-keys/{key}", null);
            yield return (HttpMethod.Patch, $"/api/v1/api-keys/{key}", new { name = "Taken over", allowedOrigins = new[] { "https://attacker.example" } });
        }
        foreach (var probe in CdsHooksProbes()) yield return probe;
        foreach (var item in Spellings(_victimIds["inbox"]))
        {
            yield return (HttpMethod.Get, $"/api/v1/inbox/{item}", null);
            yield return (HttpMethod.Patch, $"/api/v1/inbox/{item}", new { status = "dismissed", offTopic = true });
        }
        foreach (var query in new[] { "", "?tenant=victim", "?tenantId=victim", "?kind=handoff", $"?assignee={_victimIds["user"]}" })
            yield return (HttpMethod.Get, "/api/v1/inbox" + query, null);
        foreach (var conversation in Spellings(_victimIds["conversation"]))
            yield return (HttpMethod.Get, $"/api/v1/conversations/{conversation}", null);
        foreach (var query in new[] { "", "?tenant=victim", "?tenantId=victim", $"?kb={_victimIds["kb"]}", "?kb=vault", "?handedOff=true", "?channel=api" })
            yield return (HttpMethod.Get, "/api/v1/conversations" + query, null);
        foreach (var probe in TenantAdministrationProbes()) yield return probe;
        // Fields and query parameters that try to widen the scope of our own requests.
        var widen = new { query = Topic, tenantId = "victim", tenant = "victim", knowledgeBaseIds = new[] { _victimIds["kb"] }, documentIds = new[] { _victimIds["doc"] }, filter = new { tenantId = "victim" } };
        yield return (HttpMethod.Post, "/api/v1/knowledge-bases/mine/search", widen);
        yield return (HttpMethod.Post, "/api/v1/knowledge-bases/mine/ask", new { question = $"Where is the {Topic} stored?", tenantId = "victim", knowledgeBaseIds = new[] { _victimIds["kb"] } });
        foreach (var query in new[] { "?tenant=victim", "?tenantId=victim", $"?kb={_victimIds["kb"]}" })
        {
            yield return (HttpMethod.Get, "/api/v1/knowledge-bases" + query, null);
            yield return (HttpMethod.Get, "/api/v1/knowledge-bases/mine/documents" + query, null);
            yield return (HttpMethod.Get, "/api/v1/api-keys" + query, null);
            yield return (HttpMethod.Get, "/api/v1/policy" + query, null);
        }
        foreach (var filter in new[] { $"?actor={_victimIds["key"]}", "?action=search", "?action=document.*", $"?actor=user:{_victimIds["user"]}", $"?subject={_victimIds["kb"]}", "?tenant=victim", $"?id={_victimIds["audit"]}" })
        {
            yield return (HttpMethod.Get, "/api/v1/audit" + filter, null);
            yield return (HttpMethod.Get, "/api/v1/audit/export" + filter, null);
            yield return (HttpMethod.Get, "/api/v1/audit/facets" + filter, null);
        }
    }

    /// <summary>Tenant administration is the platform scope's alone: a tenant admin can neither see, suspend, invite into nor delete any tenant.</summary>
    private static IEnumerable<(HttpMethod Method, string Url, object? Body)> TenantAdministrationProbes()
    {
        foreach (var tenant in Spellings("victim").Append("platform").Append("attacker"))
        {
            yield return (HttpMethod.Get, $"/api/v1/platform/tenants/{tenant}", null);
            yield return (HttpMethod.Delete, $"/api/v1/platform/tenants/{tenant}", null);
            yield return (HttpMethod.Post, $"/api/v1/platform/tenants/{tenant}/suspend", new { reason = "taken over" });
            yield return (HttpMethod.Post, $"/api/v1/platform/tenants/{tenant}/resume", null);
            yield return (HttpMethod.Post, $"/api/v1/platform/tenants/{tenant}/invitations", new { email = "attacker@example.com" });
        }
        yield return (HttpMethod.Get, "/api/v1/platform/tenants", null);
        yield return (HttpMethod.Post, "/api/v1/platform/tenants", new { id = "planted", name = "Planted", template = "general", adminEmail = "attacker@example.com" });
    }

    /// <summary>CDS Hooks: the victim's services, its EHR client and its invocations, by id, by service id and through the EHR's own routes.</summary>
    private IEnumerable<(HttpMethod Method, string Url, object? Body)> CdsHooksProbes()
    {
        foreach (var service in Spellings(_victimIds["cdsService"]))
        {
            yield return (HttpMethod.Patch, $"/api/v1/cds-hooks/services/{service}", new { enabled = false, title = "Taken over" });
            yield return (HttpMethod.Delete, $"/api/v1/cds-hooks/services/{service}", null);
        }
        foreach (var client in Spellings(_victimIds["cdsClient"]))
            yield return (HttpMethod.Delete, $"/api/v1/cds-hooks/clients/{client}", null);
        foreach (var serviceId in Spellings(_victimIds["cdsServiceId"]))
        {
            yield return (HttpMethod.Post, $"/cds-services/{serviceId}", CdsCall(Guid.NewGuid().ToString()));
            yield return (HttpMethod.Post, $"/cds-services/{serviceId}/feedback", new { feedback = new[] { new { card = Guid.NewGuid().ToString(), outcome = "overridden" } } });
        }
        foreach (var query in new[] { "", "?tenant=victim", "?tenantId=victim", $"?kb={_victimIds["kb"]}", $"?serviceId={_victimIds["cdsServiceId"]}" })
        {
            yield return (HttpMethod.Get, "/cds-services" + query, null);
            yield return (HttpMethod.Get, "/api/v1/cds-hooks/services" + query, null);
            yield return (HttpMethod.Get, "/api/v1/cds-hooks/clients" + query, null);
            yield return (HttpMethod.Get, "/api/v1/cds-hooks/invocations" + query, null);
        }
    }

    [Fact]
    public async Task Every_cross_tenant_probe_answers_not_found_or_own_data_and_leaks_nothing()
    {
        var probes = 0;
        var leaks = new List<string>();
        var forbiddenFragments = new[] { "ZEBRA-7731", "room 12", _victimIds["kb"], _victimIds["doc"], _victimIds["key"], _victimIds["audit"], "secret.md",
            "ATLAS-4410", "atlas.md", _victimIds["sharedKb"], _victimIds["sharedDoc"], _victimIds["conversation"], _victimIds["user"], "curator@victim.example",
            _victimIds["cdsService"], _victimIds["cdsServiceId"], _victimIds["cdsClient"], _victimIds["cdsInvocation"], _victimIds["hookInstance"], "ehr.victim.example", "Victim Ward EHR", _victimIds["inbox"], "OKAPI-5520" };
        foreach (var (method, url, body) in Probes())
        {
            probes++;
            using var request = new HttpRequestMessage(method, url);
            if (body is "upload")
            {
                request.Content = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("# planted\n\ntext")), "file", "planted.md" } };
            }
            else if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }
            else if (method == HttpMethod.Put)
            {
                request.Content = JsonContent.Create(new { });
            }
            using var response = await _attacker.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            if ((int)response.StatusCode >= 500) leaks.Add($"{method} {url}: {(int)response.StatusCode}");
            var sentBody = body is null or "upload" ? "" : JsonSerializer.Serialize(body);
            if (response.IsSuccessStatusCode && (IsVictimRoute(url) || BodyTargetsVictim(url, sentBody))) leaks.Add($"{method} {url} {sentBody}: {(int)response.StatusCode} instead of 404");
            // The probe's own URL may echo in a Problem Details "detail"; anything else of the victim's is a leak.
            var withoutEcho = text.Replace(Uri.UnescapeDataString(url), "", StringComparison.OrdinalIgnoreCase);
            // Likewise a value the probe itself sent in its body (a knowledge base it named) is an echo, not a leak.
            var sent = body is null or "upload" ? "" : JsonSerializer.Serialize(body);
            foreach (var fragment in forbiddenFragments.Where(f => withoutEcho.Contains(f, StringComparison.OrdinalIgnoreCase) && !url.Contains(f, StringComparison.OrdinalIgnoreCase)
                         && !Uri.UnescapeDataString(url).Contains(f, StringComparison.OrdinalIgnoreCase) && !sent.Contains(f, StringComparison.OrdinalIgnoreCase)))
                leaks.Add($"{method} {url}: response contains '{fragment}'");
        }

        // The victim's data is untouched.
        Assert.Equal("ready", (await _victim.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{_victimIds["doc"]}", Ct)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _victim.GetAsync("/api/v1/knowledge-bases/vault", Ct)).StatusCode);
        Assert.DoesNotContain("Taken over", await _victim.GetStringAsync("/api/v1/api-keys", Ct), StringComparison.Ordinal);
        var chunks = await _victim.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{_victimIds["doc"]}/chunks", Ct);
        Assert.True(chunks[0].GetProperty("enabled").GetBoolean());
        Assert.Contains("ZEBRA-7731", chunks[0].GetProperty("text").GetString());
        var vaultPolicy = await _victim.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases/vault/policy", Ct);
        Assert.Equal(JsonValueKind.Null, vaultPolicy.GetProperty("overrides").ValueKind);
        Assert.Equal("curator", (await _victim.GetFromJsonAsync<JsonElement>("/api/v1/users", Ct)).EnumerateArray().Single().GetProperty("role").GetString());
        Assert.Contains("ATLAS-4410", await (await _victim.PostAsJsonAsync("/api/v1/knowledge-bases/atlas/search", new { query = Topic }, Ct)).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // The shared knowledge base's original file opens for the tenant it is published to (its citations link there).
        Assert.Contains("ATLAS-4410", await _victim.GetStringAsync($"/api/v1/documents/{_victimIds["sharedDoc"]}/content", Ct), StringComparison.Ordinal);
        var cdsServices = await _victim.GetFromJsonAsync<JsonElement>("/api/v1/cds-hooks/services", Ct);
        Assert.True(cdsServices.EnumerateArray().Single().GetProperty("enabled").GetBoolean());
        Assert.Equal(_victimIds["cdsClient"], (await _victim.GetFromJsonAsync<JsonElement>("/api/v1/cds-hooks/clients", Ct)).EnumerateArray().Single().GetProperty("id").GetString());
        Assert.Equal(_victimIds["cdsInvocation"], (await _victim.GetFromJsonAsync<JsonElement>("/api/v1/cds-hooks/invocations", Ct)).EnumerateArray().Single().GetProperty("id").GetString());

        var inbox = await _victim.GetFromJsonAsync<JsonElement>($"/api/v1/inbox/{_victimIds["inbox"]}", Ct);
        Assert.Equal("open", inbox.GetProperty("item").GetProperty("status").GetString());

        var summary = $"{probes} cross-tenant probes, {leaks.Count} leaks";
        TestSummary.Report(summary);
        Assert.True(probes > 300, summary);
        Assert.True(leaks.Count == 0, summary + ":\n" + string.Join("\n", leaks));
    }

    [Fact]
    public async Task Another_tenant_cannot_claim_the_victims_ehr_issuer_and_the_ehrs_calls_stay_with_the_victim()
    {
        var serviceId = _victimIds["cdsServiceId"];
        var jwks = JsonSerializer.Deserialize<JsonElement>(CdsHooksHost.PublicJwks(_victimEhrKey, "victim-ehr-1"));
        // Same issuer and sub, the EHR's published public keys: were it accepted, the victim's EHR would call into the attacker's tenant.
        foreach (var clientId in new[] { VictimEhrSubject, null })
        {
            using var claim = await _attacker.PostAsJsonAsync("/api/v1/cds-hooks/clients", new { name = "Mine", issuer = VictimEhrIssuer, clientId, jwks }, Ct);
            Assert.Equal(HttpStatusCode.Conflict, claim.StatusCode);
            Assert.DoesNotContain("victim", (await claim.Content.ReadAsStringAsync(Ct)).Replace(VictimEhrIssuer, "").Replace(VictimEhrSubject, ""), StringComparison.OrdinalIgnoreCase);
        }
        // Another client of the same EHR product, with its own client id, is the attacker's to register.
        using (var own = await _attacker.PostAsJsonAsync("/api/v1/cds-hooks/clients", new { name = "Mine", issuer = VictimEhrIssuer, clientId = "attacker-ehr", jwks }, Ct))
            Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        using (var same = await _attacker.PostAsJsonAsync("/api/v1/cds-hooks/services", new { knowledgeBase = "mine", hook = "patient-view", serviceId }, Ct))
            Assert.Equal(HttpStatusCode.Created, same.StatusCode);

        using var ehr = Host.Client();
        using var call = new HttpRequestMessage(HttpMethod.Post, $"/cds-services/{serviceId}") { Content = JsonContent.Create(CdsCall(Guid.NewGuid().ToString())) };
        call.Headers.Authorization = new("Bearer", VictimEhrToken($"/cds-services/{serviceId}"));
        using var response = await ehr.SendAsync(call, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await _victim.GetFromJsonAsync<JsonElement>("/api/v1/cds-hooks/invocations", Ct)).GetArrayLength());
        Assert.Equal(0, (await _attacker.GetFromJsonAsync<JsonElement>("/api/v1/cds-hooks/invocations", Ct)).GetArrayLength());
    }

    private string VictimEhrToken(string path) => CdsHooksHost.Sign(_victimEhrKey, "victim-ehr-1", VictimEhrIssuer, Host.Url(path).TrimEnd('/'), VictimEhrSubject);

    /// <summary>Routes that name what they act on in the body: naming the victim's there must not succeed either.</summary>
    private static readonly string[] BodyAddressed = ["/api/v1/cds-hooks/services", "/api/v1/evidence", "/api/v1/answers", "/v1/chat/completions", "/api/v1/feedback", "/api/v1/handoffs", "/api/v1/widget-settings"];

    private bool BodyTargetsVictim(string url, string sent) =>
        sent.Contains(_victimIds["conversation"], StringComparison.OrdinalIgnoreCase)
        || (BodyAddressed.Any(url.StartsWith) && new[] { _victimIds["kb"], _victimIds["kbName"], _victimIds["key"] }.Any(id => sent.Contains(id, StringComparison.OrdinalIgnoreCase)));

    private bool IsVictimRoute(string url) =>
        !url.StartsWith("/api/v1/knowledge-bases/mine", StringComparison.Ordinal)
        && !url.StartsWith("/api/v1/knowledge-bases?", StringComparison.Ordinal)
        && !url.StartsWith("/api/v1/api-keys?", StringComparison.Ordinal)
        && !url.StartsWith("/api/v1/users?", StringComparison.Ordinal)
        && !url.StartsWith("/api/v1/policy", StringComparison.Ordinal)
        && !url.StartsWith("/api/v1/audit", StringComparison.Ordinal)
        && !(url == "/api/v1/inbox" || url.StartsWith("/api/v1/inbox?", StringComparison.Ordinal))
        && !(url == "/api/v1/conversations" || url.StartsWith("/api/v1/conversations?", StringComparison.Ordinal))
        && !(url == "/cds-services" || url.StartsWith("/cds-services?", StringComparison.Ordinal))
        && !new[] { "services", "clients", "invocations" }.Any(list => url == $"/api/v1/cds-hooks/{list}" || url.StartsWith($"/api/v1/cds-hooks/{list}?", StringComparison.Ordinal));
}
