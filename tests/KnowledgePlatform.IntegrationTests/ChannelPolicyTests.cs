using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>
/// The tenant's policy applies identically whichever channel asks: the API (server key) and the widget (public key
/// with its Origin). The note is ingested before medical-strict is attached, so the PII is still in the chunks and
/// only the answer-time redaction can keep it out. (The portal channel's test belongs to the portal.)
/// </summary>
public abstract class ChannelPolicyTests(TestPlatform platform) : PlatformTest(platform)
{
    public sealed class OnSqlite(SqlitePlatform platform) : ChannelPolicyTests(platform), IClassFixture<SqlitePlatform>;

    public sealed class OnPostgres(PostgresPlatform platform) : ChannelPolicyTests(platform), IClassFixture<PostgresPlatform>;

    private const string Origin = "https://ward.example";
    private const string Question = "When should the potassium test be repeated and whom do I contact?";
    private const string BlockedQuestion = "What is the lethal dose of potassium chloride?";
    private static readonly string[] Pii = ["Jane Doe", "H7733921", "7946 0958", "ward7@hospital.example"];

    /// <summary>What a channel got: the answers and the policy actions its audit records show.</summary>
    private sealed record Outcome(string Answer, string Status, string Refusal, string RefusalStatus, string Actions);

    protected override string TenantName => "clinic";

    protected override string KnowledgeBase => "notes";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await PlatformHost.IngestAsync(Admin, "notes", "discharge.md", """
            # Discharge summary

            ## Follow-up
            Patient: Jane Doe (MRN: H7733921) should repeat the potassium test in 7 days.
            Contact the ward on 020 7946 0958 or ward7@hospital.example for results.
            """, Ct);
        using var policy = await Admin.PutAsJsonAsync("/api/v1/policy", new { template = "medical-strict" }, Ct);
        policy.EnsureSuccessStatusCode();
    }

    private async Task<HttpClient> ChannelAsync(string channel)
    {
        object request = channel == "widget"
            ? new { name = "widget", kind = "widget", knowledgeBases = new[] { "notes" }, allowedOrigins = new[] { Origin } }
            : new { name = "api", scopes = new[] { "ask" } };
        using var response = await Admin.PostAsJsonAsync("/api/v1/api-keys", request, PlatformHost.Json, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var client = Host.Client((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("secret").GetString()!);
        if (channel == "widget") client.DefaultRequestHeaders.Add("Origin", Origin);
        return client;
    }

    /// <summary>Asks through one channel and checks every policy action there: answer redaction, disclaimer, blocked topic, audit.</summary>
    private async Task<Outcome> AskThroughAsync(string channel)
    {
        using var client = await ChannelAsync(channel);
        using var asked = await client.PostAsJsonAsync("/api/v1/knowledge-bases/notes/ask", new { question = Question }, Ct);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var answer = await asked.Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var blocked = await client.PostAsJsonAsync("/api/v1/knowledge-bases/notes/ask", new { question = BlockedQuestion }, Ct);
        var refusal = await blocked.Content.ReadFromJsonAsync<JsonElement>(Ct);

        var text = answer.GetProperty("answer").GetString()!;
        foreach (var secret in Pii) Assert.DoesNotContain(secret, answer.ToString(), StringComparison.Ordinal);
        Assert.Contains("7 days", text, StringComparison.Ordinal);
        Assert.EndsWith("Check the cited source before acting.", text, StringComparison.Ordinal);
        Assert.Equal("refused_by_policy", refusal.GetProperty("status").GetString());
        Assert.StartsWith("This assistant cannot help with that.", refusal.GetProperty("answer").GetString(), StringComparison.Ordinal);

        var audit = (await Admin.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=ask", Ct)).EnumerateArray()
            .Where(a => a.GetProperty("channel").GetString() == channel).ToList();
        Assert.Equal(2, audit.Count);
        var actions = string.Join("|", audit.OrderBy(a => a.GetProperty("at").GetDateTimeOffset())
            .Select(a => a.GetProperty("detail").GetProperty("policy").ToString()));
        Assert.Contains("lethal dose", actions, StringComparison.Ordinal);
        foreach (var secret in Pii) Assert.DoesNotContain(secret, actions, StringComparison.Ordinal);
        return new Outcome(text, answer.GetProperty("status").GetString()!, refusal.GetProperty("answer").GetString()!, refusal.GetProperty("status").GetString()!, actions);
    }

    [Fact]
    public async Task The_api_channel_applies_the_tenants_policy_to_answers()
    {
        var api = await AskThroughAsync("api");

        Assert.Equal("answered", api.Status);
    }

    [Fact]
    public async Task The_widget_channel_applies_the_same_policy_with_identical_outcomes()
    {
        var widget = await AskThroughAsync("widget");
        var api = await AskThroughAsync("api");

        Assert.Equal(api, widget);
    }
}
