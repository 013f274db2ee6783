using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Tests.Orchestration;

/// <summary>
/// A chat model that answers with chosen text, in small streamed pieces, and remembers what it was asked:
/// grounding is logic of ours, tested against answers we choose rather than a model's whims.
/// </summary>
public sealed class ScriptedChatClient(params string[] replies) : IChatClient
{
    private int _next;

    public List<List<ChatMessage>> Calls { get; } = [];

    /// <summary>The options of each call, in order.</summary>
    public List<ChatOptions?> Options { get; } = [];

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Calls.Add(messages.ToList());
        Options.Add(options);
        var reply = replies[Math.Min(_next++, replies.Length - 1)];
        for (var i = 0; i < reply.Length; i += 7)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, reply[i..Math.Min(i + 7, reply.Length)]) { ModelId = "scripted" };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", null, "scripted") : null;

    public void Dispose()
    {
    }
}
