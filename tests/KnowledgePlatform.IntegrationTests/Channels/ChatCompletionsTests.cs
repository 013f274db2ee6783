using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using KnowledgePlatform.IntegrationTests.Support;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Channels;

/// <summary>/v1/chat/completions with the official OpenAI .NET library and a tenant key as its API key.</summary>
public sealed class ChatCompletionsTests(SqlitePlatform platform) : PlatformTest(platform), IClassFixture<SqlitePlatform>
{
    private string _key = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _key = Tenant.Key;
        await PlatformHost.IngestAsync(Admin, "support", "returns-policy.md", System.Text.Encoding.UTF8.GetBytes(ApiJourneyTests.ReturnsPolicy), Ct);
    }

    private ChatClient OpenAiChat(string key) =>
        new("knowledgeplatform", new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(Host.ClientOptions.BaseAddress, "/v1") });

    [Fact]
    public async Task The_openai_library_streams_a_grounded_answer_with_citations_using_a_tenant_key()
    {
        var text = new StringBuilder();
        string? citations = null;
        string? status = null;
        var updates = 0;
        await foreach (var update in OpenAiChat(_key).CompleteChatStreamingAsync([new UserChatMessage("How many days do I have to return a product?")], cancellationToken: Ct))
        {
            updates++;
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
#pragma warning disable SCME0001 // JsonPatch (unmodelled response fields) is experimental
            if (update.Patch.TryGetJson("$.citations"u8, out var json)) citations = Encoding.UTF8.GetString(json.Span);
            if (update.Patch.TryGetJson("$.answer_status"u8, out var s)) status = JsonSerializer.Deserialize<string>(s.Span);
#pragma warning restore SCME0001
        }

        Assert.True(updates > 3, $"expected a stream of chunks, got {updates}");
        Assert.Contains("45 days", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("[1]", text.ToString(), StringComparison.Ordinal);
        Assert.Equal("answered", status);
        var cited = JsonDocument.Parse(citations!).RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(cited);
        Assert.Equal("returns-policy.md", cited[0].GetProperty("file_name").GetString());
        Assert.Contains("45 days", cited[0].GetProperty("quote").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_follow_up_is_understood_from_the_earlier_messages_the_client_sends_with_it()
    {
        var followUp = new UserChatMessage("And how long do I have?");
        ChatMessage[] conversation =
        [
            new SystemChatMessage("Be brief."),
            new UserChatMessage("Can I return a product I bought?"),
            new AssistantChatMessage("Yes, in its original packaging with all accessories [1]."),
            followUp,
        ];

        var alone = (await OpenAiChat(_key).CompleteChatAsync([followUp], cancellationToken: Ct)).Value;
        var inConversation = (await OpenAiChat(_key).CompleteChatAsync(conversation, cancellationToken: Ct)).Value;

        Assert.DoesNotContain("45 days", alone.Content[0].Text, StringComparison.Ordinal);
        Assert.Contains("45 days", inConversation.Content[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_streamed_completion_names_the_knowledge_base_in_the_kb_field_and_returns_citations()
    {
        using var client = Host.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", _key);
        using var response = await client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "anything",
            kb = "support",
            messages = new object[]
            {
                new { role = "system", content = "Be brief." },
                new { role = "user", content = new[] { new { type = "text", text = "When are refunds issued?" } } },
            },
        }, Ct);
        var completion = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        var message = completion.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Contains("7 business days", message.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(completion.GetProperty("citations").EnumerateArray());
        Assert.Equal("answered", completion.GetProperty("answer_status").GetString());
    }

    [Fact]
    public async Task Another_tenants_knowledge_base_is_not_found_and_a_bad_key_is_refused()
    {
        var other = (await NewTenantAsync("globex", "private")).Key;
        using var client = Host.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", other);
        using var response = await client.PostAsJsonAsync("/v1/chat/completions",
            new { kb = "support", messages = new[] { new { role = "user", content = "When are refunds issued?" } } }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => OpenAiChat("kp_not_a_key").CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: Ct));
        Assert.Equal(401, refused.Status);
    }
}
