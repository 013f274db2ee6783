using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Tests.Fakes;

/// <summary>A chat model that answers every request with the same text and keeps the messages it was sent.</summary>
internal sealed class ScriptedChatClient(string answer, Exception? failure = null) : IChatClient
{
    public List<IReadOnlyList<ChatMessage>> Calls { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add(messages.ToList());
        return failure is null ? Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))) : Task.FromException<ChatResponse>(failure);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
