using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePlatform.Rag.Answering;

namespace KnowledgePlatform.Server.Api.OpenAi;

public sealed record ChatMessageDto(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content"), Description("A string, or an array of {\"type\":\"text\",\"text\":…} parts.")] JsonElement Content);

/// <summary>The OpenAI chat completions request; fields this server does not use (temperature, max_tokens…) are accepted and ignored.</summary>
public sealed record ChatCompletionRequest(
    [property: JsonPropertyName("messages")] IReadOnlyList<ChatMessageDto> Messages,
    [property: JsonPropertyName("model"), Description("Echoed back; the answer comes from the server's configured model.")] string? Model = null,
    [property: JsonPropertyName("stream")] bool Stream = false,
    [property: JsonPropertyName("kb"), Description("Extension: knowledge base id or name; optional when the key reaches exactly one.")] string? Kb = null);

public sealed record ChatCompletionMessage(string Role, string Content);

public sealed record ChatCompletionChoice(int Index, ChatCompletionMessage Message, string FinishReason);

public sealed record ChatCompletionUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

/// <summary>An OpenAI chat completion plus two extension fields: citations and answer_status.</summary>
public sealed record ChatCompletionResponse(
    string Id, string Object, long Created, string Model, IReadOnlyList<ChatCompletionChoice> Choices, ChatCompletionUsage Usage,
    [property: Description("Extension: the sources the answer's [n] markers refer to.")] IReadOnlyList<Citation> Citations,
    [property: Description("Extension: answered, insufficient_evidence, refused_by_policy or ungrounded.")] AnswerStatus AnswerStatus);
