using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.ChatModels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.ModelHost;

/// <summary>The OpenAI-compatible API: /v1/models, /v1/chat/completions (streaming and not), /v1/embeddings.</summary>
public static class OpenAiEndpoints
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static WebApplication MapOpenAi(this WebApplication app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/models", Models);
        v1.MapPost("/chat/completions", ChatCompletions);
        v1.MapPost("/embeddings", Embeddings);
        app.MapGet("/health", (RequestQueue queue) => Results.Json(new { status = "ok", in_flight = queue.InFlight, capacity = queue.Capacity }, Json));
        // For orchestrators: the process answers; the model is loaded (ModelLoader runs before the host listens).
        app.MapGet("/health/live", () => Results.Ok());
        app.MapGet("/health/ready", (ModelReadiness readiness) => readiness.Loaded ? Results.Ok() : Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        return app;
    }

    private static IResult Models(LlamaModel model, ServedModel served, EmbeddingModelCard embedding, IOptions<ModelHostOptions> options, IOptions<LlamaOptions> llama, RequestQueue queue)
    {
        var card = model.Card;
        var o = options.Value;
        object chat = new
        {
            id = served.Id,
            @object = "model",
            created = served.Created,
            owned_by = "knowledgeplatform",
            kind = "chat",
            name = card.Name,
            architecture = card.Architecture,
            quantization = card.Quantization,
            file_size_bytes = card.FileSizeBytes,
            context_length = card.ContextLength,
            parameters = new { total = card.TotalParameters, active_per_token = card.ActiveParameters },
            experts = card.IsMixtureOfExperts ? new { count = card.ExpertCount, used_per_token = card.ExpertsPerToken } : null,
            serving = new { sequences = llama.Value.Sequences, queue_limit = o.QueueLimit, context_size = llama.Value.ContextSize, in_flight = queue.InFlight },
        };
        object embed = new { id = embedding.Name, @object = "model", created = served.Created, owned_by = "knowledgeplatform", kind = "embedding", dimension = embedding.Dimension };
        return Results.Json(new { @object = "list", data = new[] { chat, embed } }, Json);
    }

    private static async Task ChatCompletions(HttpContext http, IChatClient chat, ServedModel served, RequestQueue queue, ILogger<ServedModel> logger)
    {
        var ct = http.RequestAborted;
        var (request, valid) = await ReadAsync<ChatCompletionRequest>(http, "chat completion");
        if (!valid) return;
        if (request?.Messages is not { Count: > 0 })
        {
            await Error(http, 400, "invalid_request_error", "messages_missing", "messages must hold at least one message.");
            return;
        }
        if (request.Model is { Length: > 0 } asked && asked != served.Id)
        {
            await Error(http, 404, "invalid_request_error", "model_not_found", $"The model '{asked}' is not served here; this server serves '{served.Id}'.");
            return;
        }
        if (request.N is > 1)
        {
            await Error(http, 400, "invalid_request_error", "unsupported_n", "Only n = 1 is supported.");
            return;
        }
        var maxTokens = request.MaxCompletionTokens ?? request.MaxTokens;
        if (maxTokens is < 1)
        {
            await Error(http, 400, "invalid_request_error", "invalid_max_tokens", "max_tokens must be at least 1.");
            return;
        }

        using var ticket = queue.TryEnter(out var retryAfter);
        if (ticket is null)
        {
            http.Response.Headers.RetryAfter = retryAfter.ToString();
            await Error(http, 429, "rate_limit_exceeded", "queue_full",
                $"The server is busy: {queue.Capacity} requests are running or queued. Retry in about {retryAfter} s.");
            return;
        }

        var messages = request.Messages.Select(m => new ChatMessage(new ChatRole(m.Role ?? "user"), Text(m.Content))).ToList();
        var options = new ChatOptions
        {
            MaxOutputTokens = maxTokens,
            Temperature = request.Temperature,
            TopP = request.TopP,
            Seed = request.Seed,
            StopSequences = Stops(request.Stop),
            AdditionalProperties = request.IgnoreEos == true ? new() { [LlamaChatClient.IgnoreEos] = true } : null,
        };

        try
        {
            if (request.Stream) await StreamAsync(http, chat, messages, options, served, request.StreamOptions?.IncludeUsage == true, ct);
            else await CompleteAsync(http, chat, messages, options, served, ct);
        }
        catch (ContextLengthExceededException ex)
        {
            if (!http.Response.HasStarted) await Error(http, 400, "invalid_request_error", "context_length_exceeded", ex.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            logger.LogDebug("The client went away; generation stopped");
        }
    }

    private static async Task CompleteAsync(HttpContext http, IChatClient chat, List<ChatMessage> messages, ChatOptions options, ServedModel served, CancellationToken ct)
    {
        var response = await chat.GetResponseAsync(messages, options, ct);
        var usage = response.Usage;
        await Results.Json(new
        {
            id = response.ResponseId ?? NewId(),
            @object = "chat.completion",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = served.Id,
            choices = new[]
            {
                new { index = 0, message = new { role = "assistant", content = response.Text, refusal = (string?)null }, logprobs = (object?)null, finish_reason = Finish(response.FinishReason) },
            },
            usage = Usage(usage),
        }, Json).ExecuteAsync(http);
    }

    /// <summary>Server-sent events as OpenAI streams them, written by the framework's SSE result.</summary>
    private static Task StreamAsync(HttpContext http, IChatClient chat, List<ChatMessage> messages, ChatOptions options, ServedModel served, bool includeUsage, CancellationToken ct) =>
        TypedResults.ServerSentEvents(ChunksAsync(chat, messages, options, served, includeUsage, ct)).ExecuteAsync(http);

    /// <summary>The data of each event: the role, text deltas as they come, the finish reason, the usage when asked, then [DONE].</summary>
    private static async IAsyncEnumerable<string> ChunksAsync(IChatClient chat, List<ChatMessage> messages, ChatOptions options, ServedModel served, bool includeUsage,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var id = NewId();
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var started = false;
        UsageDetails? usage = null;
        string? finish = null;
        await foreach (var update in chat.GetStreamingResponseAsync(messages, options, ct))
        {
            if (!started)
            {
                yield return Serialize(Chunk(id, created, served.Id, new { role = "assistant", content = "" }, null));
                started = true;
            }
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
            if (update.FinishReason is { } reason) finish = Finish(reason);
            if (update.Text.Length > 0) yield return Serialize(Chunk(id, created, served.Id, new { content = update.Text }, null));
        }
        yield return Serialize(Chunk(id, created, served.Id, new { }, finish ?? "stop"));
        if (includeUsage)
            yield return Serialize(new { id, @object = "chat.completion.chunk", created, model = served.Id, choices = Array.Empty<object>(), usage = Usage(usage) });
        yield return "[DONE]";
    }

    private static string Serialize(object payload) => JsonSerializer.Serialize(payload, Json);

    private static object Chunk(string id, long created, string model, object delta, string? finish) => new
    {
        id,
        @object = "chat.completion.chunk",
        created,
        model,
        choices = new[] { new { index = 0, delta, logprobs = (object?)null, finish_reason = finish } },
    };

    private static async Task Embeddings(HttpContext http, IEmbeddingGenerator<string, Embedding<float>> embedder, EmbeddingModelCard card, ITokenCounter tokens)
    {
        var ct = http.RequestAborted;
        var (request, valid) = await ReadAsync<EmbeddingRequest>(http, "embeddings");
        if (!valid) return;
        var inputs = request?.Input switch
        {
            { ValueKind: JsonValueKind.String } s => [s.GetString()!],
            { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => a.EnumerateArray().Select(e => e.GetString()!).ToList(),
            _ => null,
        };
        if (inputs is not { Count: > 0 } || inputs.Count > 2048)
        {
            await Error(http, 400, "invalid_request_error", "invalid_input", "input must be a string or an array of 1 to 2048 strings.");
            return;
        }
        if (request!.Model is { Length: > 0 } asked && asked != card.Name)
        {
            await Error(http, 404, "invalid_request_error", "model_not_found", $"The embedding model '{asked}' is not served here; this server serves '{card.Name}'.");
            return;
        }
        var base64 = request.EncodingFormat == "base64";
        var vectors = await embedder.GenerateAsync(inputs, cancellationToken: ct);
        var used = inputs.Sum(tokens.CountTokens);
        await Results.Json(new
        {
            @object = "list",
            data = vectors.Select((v, i) => new
            {
                @object = "embedding",
                index = i,
                embedding = base64 ? (object)Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.Vector.Span)) : v.Vector.ToArray(),
            }),
            model = card.Name,
            usage = new { prompt_tokens = used, total_tokens = used },
        }, Json).ExecuteAsync(http);
    }

    private static object Usage(UsageDetails? usage) => new
    {
        prompt_tokens = usage?.InputTokenCount ?? 0,
        completion_tokens = usage?.OutputTokenCount ?? 0,
        total_tokens = usage?.TotalTokenCount ?? 0,
    };

    private static string Finish(ChatFinishReason? reason) => reason == ChatFinishReason.Length ? "length" : "stop";

    private static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    private static string Text(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString() ?? "",
        JsonValueKind.Array => string.Concat(content.EnumerateArray()
            .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out _))
            .Select(p => p.GetProperty("text").GetString())),
        _ => "",
    };

    private static List<string>? Stops(JsonElement? stop) => stop switch
    {
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Take(4).ToList(),
        _ => null,
    };

    /// <summary>The JSON body, or a 400 already written (valid = false).</summary>
    private static async Task<(T? Request, bool Valid)> ReadAsync<T>(HttpContext http, string what)
    {
        try
        {
            return (await http.Request.ReadFromJsonAsync<T>(Json, http.RequestAborted), true);
        }
        catch (JsonException ex)
        {
            await Error(http, 400, "invalid_request_error", "invalid_json", $"The body is not a valid {what} request: {ex.Message}");
            return (default, false);
        }
    }

    private static Task Error(HttpContext http, int status, string type, string code, string message) =>
        Results.Json(new { error = new { message, type, param = (string?)null, code } }, Json, statusCode: status).ExecuteAsync(http);
}

internal sealed record ChatCompletionRequest(
    string? Model,
    List<ChatCompletionMessage>? Messages,
    bool Stream,
    int? MaxTokens,
    int? MaxCompletionTokens,
    float? Temperature,
    float? TopP,
    long? Seed,
    JsonElement? Stop,
    int? N,
    bool? IgnoreEos,
    StreamOptions? StreamOptions);

internal sealed record ChatCompletionMessage(string? Role, JsonElement Content);

internal sealed record StreamOptions(bool IncludeUsage);

internal sealed record EmbeddingRequest(string? Model, JsonElement Input, string? EncodingFormat);
