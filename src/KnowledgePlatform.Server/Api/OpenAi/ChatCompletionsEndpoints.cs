using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Retrieval;
using KnowledgePlatform.Server.Answering;
using KnowledgePlatform.Server.Api.Clinical;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KnowledgePlatform.Server.Api.OpenAi;

/// <summary>
/// POST /v1/chat/completions: the OpenAI chat completions protocol over the tenant's knowledge base, so
/// existing OpenAI clients work with a tenant key as their API key. The last user message is the question;
/// the answer is grounded like every other channel's, under the tenant's policy.
/// </summary>
public static class ChatCompletionsEndpoints
{
    /// <summary>OpenAI's wire format: snake_case, nulls left out.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static IEndpointRouteBuilder MapChatCompletions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", Complete)
            .RequireAuthorization(ApiScopes.Ask)
            .RequireRateLimiting(RateLimits.Api)
            .WithTags("OpenAI-compatible")
            .Produces<ChatCompletionResponse>(contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .WithSummary("OpenAI-compatible chat completions over a knowledge base (Authorization: Bearer <tenant key>)")
            .WithDescription("Streaming (\"stream\": true) sends chat.completion.chunk events and data: [DONE]; the last chunk carries the extension fields citations and answer_status.");
        return app;
    }

    private static async Task<Results<JsonHttpResult<ChatCompletionResponse>, ServerSentEventsResult<string>, ProblemHttpResult>> Complete(
        ChatCompletionRequest request, HttpContext http, ClaimsPrincipal user, KnowledgeDbContext db, GovernedAnswers governed, TimeProvider clock, CancellationToken ct)
    {
        var messages = request.Messages ?? [];
        var lastUser = messages.ToList().FindLastIndex(m => m.Role == "user");
        var question = lastUser >= 0 ? TextOf(messages[lastUser].Content) : null;
        if (question is null) return ApiProblems.Validation("question_missing", "messages needs a user message with text content.");
        if (QuestionEndpoints.Invalid(question, "question") is { } invalid) return invalid;
        var (found, problem) = await ClinicalEndpoints.ResolveKnowledgeBaseAsync(db, user, request.Kb, ct);
        if (found is not { } kb) return problem!;
        var (answer, refused) = await governed.AskAsync(http, new GovernedQuestion(question, [kb], "chat.completion") { History = EarlierTurns(messages, lastUser) }, ct);
        if (answer is null) return refused!;
        var events = answer.Events;
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = clock.GetUtcNow().ToUnixTimeSeconds();

        if (request.Stream)
            return TypedResults.ServerSentEvents(ChunksAsync(events, id, created, request.Model, ct));

        var (text, citations, done) = await CollectedAnswer.CollectAsync(events, ct);
        var model = done?.Model ?? request.Model ?? "";
        var promptTokens = Words(question);
        var completionTokens = Words(text);
        return TypedResults.Json(new ChatCompletionResponse(id, "chat.completion", created, model,
            [new ChatCompletionChoice(0, new ChatCompletionMessage("assistant", text), "stop")],
            new ChatCompletionUsage(promptTokens, completionTokens, promptTokens + completionTokens),
            citations, done?.Status ?? AnswerStatus.InsufficientEvidence), Json);
    }

    /// <summary>
    /// The data of each server-sent event as OpenAI sends them: a first chunk with the role, text deltas as they come,
    /// a final chunk with the extensions (citations, answer_status), then [DONE]; a failure ends with an error object.
    /// </summary>
    private static async IAsyncEnumerable<string> ChunksAsync(IAsyncEnumerable<AnswerEvent> events, string id, long created, string? requestedModel,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var model = requestedModel ?? "";
        yield return Serialize(Chunk(id, created, model, new { role = "assistant", content = "" }, null));
        IReadOnlyList<Citation> citations = [];
        var status = AnswerStatus.InsufficientEvidence;
        await using var e = events.GetAsyncEnumerator(ct);
        while (true)
        {
            string? data = null;
            var failed = false;
            try
            {
                if (!await e.MoveNextAsync()) break;
                switch (e.Current)
                {
                    case AnswerDelta d:
                        data = Serialize(Chunk(id, created, model, new { content = d.Text }, null));
                        break;
                    case AnswerCitations c:
                        citations = c.Citations;
                        break;
                    case AnswerCompleted c:
                        status = c.Status;
                        model = c.Model;
                        break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                data = Serialize(new { error = new { message = "The answer could not be completed. Try again.", type = "server_error", code = "answer_failed" } });
                failed = true;
            }
            if (data is not null) yield return data;
            if (failed) yield break;
        }
        var final = Chunk(id, created, model, new { }, "stop");
        final["citations"] = JsonSerializer.SerializeToNode(citations, Json);
        final["answer_status"] = JsonSerializer.SerializeToNode(status, Json);
        yield return Serialize(final);
        yield return "[DONE]";
    }

    private static string Serialize(object payload) => JsonSerializer.Serialize(payload, Json);

    private static System.Text.Json.Nodes.JsonObject Chunk(string id, long created, string model, object delta, string? finishReason) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = model,
        ["choices"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["index"] = 0,
            ["delta"] = JsonSerializer.SerializeToNode(delta, Json),
            ["finish_reason"] = finishReason,
        }),
    };

    /// <summary>
    /// The exchanges before the question, as an OpenAI client resends them with every request: each user message with the
    /// assistant's reply that follows it (system and tool messages aside), so a follow-up ("and for children?") is searched
    /// for what it means.
    /// </summary>
    private static List<HistoryTurn> EarlierTurns(IReadOnlyList<ChatMessageDto> messages, int question)
    {
        var turns = new List<HistoryTurn>();
        string? asked = null;
        foreach (var message in messages.Take(question))
        {
            if (message.Role == "user") asked = TextOf(message.Content);
            else if (message.Role == "assistant" && asked is not null)
            {
                turns.Add(new HistoryTurn(asked, TextOf(message.Content) ?? ""));
                asked = null;
            }
        }
        return turns;
    }

    /// <summary>Text of a message: a string, or the text parts of a content array.</summary>
    private static string? TextOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString(),
        JsonValueKind.Array => string.Join("\n", content.EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("type", out var t) && t.GetString() == "text" && p.TryGetProperty("text", out _))
            .Select(p => p.GetProperty("text").GetString())),
        _ => null,
    };

    /// <summary>Usage is counted in words: the server does not see the model's tokenizer.</summary>
    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
