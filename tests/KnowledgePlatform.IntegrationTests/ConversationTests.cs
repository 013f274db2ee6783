using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>Conversations over the REST API: an ask starts one, a follow-up continues it, another tenant cannot.</summary>
public sealed class ConversationTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private HttpClient _acme = null!;
    private HttpClient _globex = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _acme = Admin;
        _globex = Client((await NewTenantAsync("globex", "support")).Key);
        using var upload = await PlatformHost.UploadAsync(_acme, "support", "returns-policy.md", ApiJourneyTests.ReturnsPolicy, Ct);
        var accepted = await upload.Content.ReadFromJsonAsync<JsonElement>(Ct);
        await PlatformHost.WaitForIngestionAsync(_acme, accepted.GetProperty("statusUrl").GetString()!, Ct);
    }

    private async Task<JsonElement> Ask(HttpClient client, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/knowledge-bases/support/ask", body, Ct);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    [Fact]
    public async Task An_answer_starts_a_conversation_that_a_follow_up_continues()
    {
        var first = await Ask(_acme, new { question = "How many days do I have to return a product?" });
        var id = first.GetProperty("conversationId").GetString();
        Assert.StartsWith("conv_", id, StringComparison.Ordinal);
        Assert.True(first.GetProperty("grounded").GetBoolean());

        var second = await Ask(_acme, new { question = "When are refunds issued?", conversationId = id });

        Assert.Equal(id, second.GetProperty("conversationId").GetString());
        Assert.Equal("answered", second.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_tenants_conversation_is_not_found()
    {
        var id = (await Ask(_acme, new { question = "How many days do I have to return a product?" })).GetProperty("conversationId").GetString();

        var problem = await Ask(_globex, new { question = "And refunds?", conversationId = id }, HttpStatusCode.NotFound);

        Assert.Equal("not_found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Medical_knowledge_bases_are_strict_unless_told_otherwise()
    {
        using var strict = await _acme.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "clinic", vertical = "medical" }, PlatformHost.Json, Ct);
        using var lenient = await _acme.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "clinic-drafts", vertical = "medical", strict = false }, PlatformHost.Json, Ct);

        Assert.True((await strict.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("strict").GetBoolean());
        Assert.False((await lenient.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("strict").GetBoolean());
    }
}
