using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Xunit;

namespace KnowledgePlatform.IntegrationTests.Models;

/// <summary>A real third-party client against the model host: the official OpenAI .NET library.</summary>
public sealed class OpenAiClientTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_OpenAI_library_streams_a_chat_completion_and_gets_embeddings()
    {
        await using var host = await ModelHostFixture.StartAsync();
        var options = new OpenAIClientOptions { Endpoint = host.V1 };
        var chat = new ChatClient(TinyModel.Id, new ApiKeyCredential("unused"), options);

        var parts = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hello")],
            new ChatCompletionOptions { MaxOutputTokenCount = 16 }, _ct))
        {
            parts += update.ContentUpdate.Count(p => p.Text.Length > 0);
            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        Assert.True(parts >= 1, "content arrives in parts");
        Assert.NotNull(finish);
        Assert.InRange(usage!.OutputTokenCount, 1, 16);

        var embeddings = new EmbeddingClient("snowflake-arctic-embed-xs", new ApiKeyCredential("unused"), options);
        OpenAIEmbedding embedding = await embeddings.GenerateEmbeddingAsync("How long is the warranty?", cancellationToken: _ct);
        var vector = embedding.ToFloats().ToArray();
        Assert.Equal(384, vector.Length);
        Assert.InRange(Math.Sqrt(vector.Sum(v => v * v)), 0.99, 1.01);
    }
}
