using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// A knowledge base can tighten the tenant's policy for itself only (decision 0054): its blocked topics, redaction
/// rules and disclaimer apply to its documents and answers, never to the tenant's other knowledge bases, and it can
/// never loosen what the tenant enforces.
/// </summary>
public abstract class KnowledgeBasePolicyTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : KnowledgeBasePolicyTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : KnowledgeBasePolicyTests(platform), IClassFixture<PostgresPlatform>;

    private const string Note = "# Device returns\n\nFaulty devices are replaced within 14 days. Write to jane.doe@northwind.example for a label.";

    protected override string TenantName => "northwind";

    protected override string KnowledgeBase => "devices";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        using var created = await Admin.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "general" }, PlatformHost.Json, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private async Task<JsonElement> PutPolicyAsync(string kb, object overrides, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Admin.PutAsJsonAsync($"/api/v1/knowledge-bases/{kb}/policy", overrides, PlatformHost.Json, Ct);
        Assert.True(expected == response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private async Task<JsonElement> AskAsync(string kb, string question)
    {
        using var response = await Admin.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/ask", new { question }, PlatformHost.Json, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    [Fact]
    public async Task A_knowledge_bases_blocked_topic_and_disclaimer_apply_to_its_answers_only()
    {
        await PlatformHost.IngestAsync(Admin, "devices", "returns.md", Note, Ct);
        await PlatformHost.IngestAsync(Admin, "general", "returns.md", Note, Ct);
        await PutPolicyAsync("devices", new { blockedTopics = new[] { "jailbreak" }, blockedTopicAnswer = "Not on this help desk.", disclaimer = "Device answers: check your warranty card." });

        var blocked = await AskAsync("devices", "How do I jailbreak my phone?");
        Assert.Equal("refused_by_policy", blocked.GetProperty("status").GetString());
        Assert.Contains("Not on this help desk.", blocked.GetProperty("answer").GetString());
        var answered = await AskAsync("devices", "How fast are faulty devices replaced?");
        Assert.EndsWith("Device answers: check your warranty card.", answered.GetProperty("answer").GetString()!.Trim());

        var elsewhere = await AskAsync("general", "How do I jailbreak my phone?");
        Assert.NotEqual("refused_by_policy", elsewhere.GetProperty("status").GetString());
        Assert.DoesNotContain("check your warranty card", (await AskAsync("general", "How fast are faulty devices replaced?")).GetProperty("answer").GetString());

        // The clinical API gives the knowledge base's disclaimer in its own field.
        using var clinical = await Admin.PostAsJsonAsync("/api/v1/answers", new { question = "How fast are faulty devices replaced?", knowledgeBase = "devices" }, PlatformHost.Json, Ct);
        Assert.Equal("Device answers: check your warranty card.", (await clinical.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("disclaimer").GetString());
    }

    [Fact]
    public async Task A_knowledge_bases_redaction_rule_applies_when_its_documents_are_ingested()
    {
        await PutPolicyAsync("devices", new { redact = new[] { "email" } });
        await PlatformHost.IngestAsync(Admin, "devices", "returns.md", Note, Ct);
        await PlatformHost.IngestAsync(Admin, "general", "returns.md", Note, Ct);

        async Task<string> SearchedTextAsync(string kb)
        {
            using var response = await Admin.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/search", new { query = "label for faulty devices" }, PlatformHost.Json, Ct);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("hits")[0].GetProperty("text").GetString()!;
        }
        Assert.DoesNotContain("jane.doe@northwind.example", await SearchedTextAsync("devices"));
        Assert.Contains("jane.doe@northwind.example", await SearchedTextAsync("general"));
    }

    [Fact]
    public async Task A_knowledge_base_can_only_tighten_the_tenants_policy()
    {
        using (var tenant = await Admin.PutAsJsonAsync("/api/v1/policy", new { template = "medical-strict" }, PlatformHost.Json, Ct))
            tenant.EnsureSuccessStatusCode();

        var policy = await PutPolicyAsync("devices", new { citationRequired = false, maxAnswerChars = 99_999, blockedTopics = new[] { "jailbreak" } });
        var effective = policy.GetProperty("effective");
        Assert.True(effective.GetProperty("citationRequired").GetBoolean());
        Assert.Equal(2500, effective.GetProperty("maxAnswerChars").GetInt32());
        Assert.Contains("lethal dose", effective.GetProperty("blockedTopics").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("jailbreak", effective.GetProperty("blockedTopics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(policy.GetProperty("tenant").GetProperty("redact").GetArrayLength(), effective.GetProperty("redact").GetArrayLength());

        var retention = await PutPolicyAsync("devices", new { retentionDays = 7 }, HttpStatusCode.BadRequest);
        Assert.Equal("retention_is_tenant_wide", retention.GetProperty("code").GetString());
        var rule = await PutPolicyAsync("devices", new { redact = new[] { "shoe-size" } }, HttpStatusCode.BadRequest);
        Assert.Equal("unknown_redaction_rule", rule.GetProperty("code").GetString());

        // Clearing: nothing added means the tenant's policy alone.
        var cleared = await PutPolicyAsync("devices", new { });
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("overrides").ValueKind);
        Assert.DoesNotContain("jailbreak", cleared.GetProperty("effective").GetProperty("blockedTopics").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Another_tenants_knowledge_base_policy_is_not_found_and_a_read_key_cannot_change_it()
    {
        var other = Client((await NewTenantAsync("contoso", "secrets")).Key);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/api/v1/knowledge-bases/devices/policy", Ct)).StatusCode);
        using (var put = await other.PutAsJsonAsync("/api/v1/knowledge-bases/devices/policy", new { blockedTopics = new[] { "x" } }, PlatformHost.Json, Ct))
            Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);

        using var created = await Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "reader", scopes = new[] { "read" } }, PlatformHost.Json, Ct);
        using var reader = Host.Client((await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/v1/knowledge-bases/devices/policy", Ct)).StatusCode);
        using var refused = await reader.PutAsJsonAsync("/api/v1/knowledge-bases/devices/policy", new { blockedTopics = new[] { "x" } }, PlatformHost.Json, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
