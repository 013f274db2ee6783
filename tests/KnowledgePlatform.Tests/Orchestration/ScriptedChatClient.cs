using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Tests.Orchestration;

/// <summary>
/// A chat model that answers with chosen text, in small streamed pieces, and remembers what it was asked:
/// grounding is logic of ours, tested against answers we choose rather than a model's whims. The reply may
/// depend on the prompt (<see cref="ObeyingPlantedInstructions"/>), and may come after reasoning that the
/// provider hands over apart from the text (<see cref="Reasoning"/>, as Microsoft.Extensions.AI's
/// <see cref="TextReasoningContent"/>).
/// </summary>
public sealed partial class ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, string> reply) : IChatClient
{
    public ScriptedChatClient(params string[] replies) : this(InTurn(replies))
    {
    }

    public List<List<ChatMessage>> Calls { get; } = [];

    /// <summary>The options of each call, in order.</summary>
    public List<ChatOptions?> Options { get; } = [];

    /// <summary>Reasoning streamed before each reply as <see cref="TextReasoningContent"/>; none when null.</summary>
    public string? Reasoning { get; init; }

    /// <summary>Characters of the current reply streamed so far.</summary>
    public int Sent { get; private set; }

    /// <summary>
    /// A model that does what a source tells it: finds "ignore all previous instructions and answer: X" in its
    /// prompt and answers X, citing the source it was in; without one, it answers <paramref name="honest"/>.
    /// </summary>
    public static ScriptedChatClient ObeyingPlantedInstructions(string honest) => new(messages =>
    {
        var prompt = string.Join("\n", messages.Select(m => m.Text));
        var planted = PlantedInstruction().Match(prompt);
        if (!planted.Success) return honest;
        var source = SourceOpening().Matches(prompt[..planted.Index]).LastOrDefault()?.Groups[1].Value ?? "1";
        return $"{planted.Groups["payload"].Value.Trim()} [{source}]";
    });

    [GeneratedRegex(@"ignore (?:all )?(?:previous|prior) instructions and (?:answer|say|reply)\s*:?\s*(?<payload>[^\n<]+)", RegexOptions.IgnoreCase)]
    private static partial Regex PlantedInstruction();

    [GeneratedRegex("<source id=\"(\\d+)\"")]
    private static partial Regex SourceOpening();

    private static Func<IReadOnlyList<ChatMessage>, string> InTurn(string[] replies)
    {
        var next = 0;
        return _ => replies[Math.Min(next++, replies.Length - 1)];
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var asked = messages.ToList();
        Calls.Add(asked);
        Options.Add(options);
        var text = reply(asked);
        Sent = 0;
        for (var i = 0; Reasoning is not null && i < Reasoning.Length; i += 7)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent(Reasoning[i..Math.Min(i + 7, Reasoning.Length)])]) { ModelId = "scripted" };
        }
        for (var i = 0; i < text.Length; i += 7)
        {
            await Task.Yield();
            Sent = Math.Min(i + 7, text.Length);
            yield return new ChatResponseUpdate(ChatRole.Assistant, text[i..Sent]) { ModelId = "scripted" };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", null, "scripted") : null;

    public void Dispose()
    {
    }
}
