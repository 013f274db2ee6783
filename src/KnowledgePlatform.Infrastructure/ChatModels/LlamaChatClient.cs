using System.Runtime.CompilerServices;
using System.Text;
using LLama;
using LLama.Exceptions;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>
/// <see cref="IChatClient"/> over a <see cref="LlamaModel"/>: the model's own chat template, token-by-token
/// streaming, MaxOutputTokens, stop sequences, temperature / top-p / seed, cancellation between tokens, and
/// usage counts. <c>AdditionalProperties["ignore_eos"] = true</c> forbids end-of-generation tokens, as vLLM
/// and llama.cpp's server do, so a benchmark gets exactly the tokens it asked for.
/// </summary>
public sealed class LlamaChatClient(LlamaModel model, int defaultMaxTokens = 512) : IChatClient
{
    public const string IgnoreEos = "ignore_eos";

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prompt = FormatPrompt(messages);
        var responseId = "chatcmpl-" + Guid.NewGuid().ToString("N");
        using var lease = await model.AcquireAsync(cancellationToken);
        var context = lease.Context;
        var vocab = model.Weights.Vocab;
        var tokens = context.Tokenize(prompt, addBos: vocab.ShouldAddBOS, special: true).ToList();
        var contextSize = (int)context.ContextSize;
        if (tokens.Count >= contextSize)
            throw new ContextLengthExceededException($"The prompt has {tokens.Count} tokens; the context holds {contextSize}.");
        var maxTokens = Math.Min(options?.MaxOutputTokens ?? defaultMaxTokens, contextSize - tokens.Count);
        var ignoreEos = options?.AdditionalProperties?.TryGetValue(IgnoreEos, out var flag) == true && flag is true or "true";

        var batch = new LLamaBatch();
        var (result, _, past) = await context.DecodeAsync(tokens, LLamaSeqId.Zero, batch, 0, cancellationToken);
        if (result != DecodeResult.Ok) throw new LLamaDecodeError(result);

        using var sampler = new DefaultSamplingPipeline
        {
            Temperature = options?.Temperature ?? 0.8f,
            TopP = options?.TopP ?? 0.95f,
            TopK = options?.TopK ?? 40,
            MinP = 0.05f,
            Seed = options?.Seed is { } seed ? unchecked((uint)seed) : (uint)Random.Shared.Next(),
            LogitBias = ignoreEos ? model.EndOfGenerationBias : new Dictionary<LLamaToken, float>(),
        };
        var decoder = new StreamingTokenDecoder(context);
        var stops = new StopSequenceFilter(options?.StopSequences);
        var generated = 0;
        var finish = ChatFinishReason.Length;
        while (generated < maxTokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = sampler.Sample(context.NativeHandle, batch.TokenCount - 1);
            if (id.IsEndOfGeneration(vocab))
            {
                finish = ChatFinishReason.Stop;
                break;
            }
            generated++;
            decoder.Add(id);
            var (text, stopped) = stops.Push(decoder.Read());
            if (text.Length > 0) yield return Update(responseId, text);
            if (stopped)
            {
                finish = ChatFinishReason.Stop;
                break;
            }
            if (generated == maxTokens) break;
            batch.Clear();
            batch.Add(id, past++, LLamaSeqId.Zero, true);
            var decoded = await context.DecodeAsync(batch, cancellationToken);
            if (decoded != DecodeResult.Ok) throw new LLamaDecodeError(decoded);
        }
        if (finish != ChatFinishReason.Stop || !stops.Stopped)
        {
            var rest = stops.Flush();
            if (rest.Length > 0) yield return Update(responseId, rest);
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails
        {
            InputTokenCount = tokens.Count,
            OutputTokenCount = generated,
            TotalTokenCount = tokens.Count + generated,
        })])
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = model.ModelId,
            FinishReason = finish,
            CreatedAt = DateTimeOffset.UtcNow,
        };
    }

    private ChatResponseUpdate Update(string responseId, string text) => new(ChatRole.Assistant, text)
    {
        ResponseId = responseId,
        MessageId = responseId,
        ModelId = model.ModelId,
    };

    /// <summary>The conversation in the model's chat template (ChatML when the file has none llama.cpp knows).</summary>
    private string FormatPrompt(IEnumerable<ChatMessage> messages)
    {
        LLamaTemplate Template(LLamaTemplate template)
        {
            foreach (var m in messages) template.Add(m.Role.Value, m.Text);
            template.AddAssistant = true;
            return template;
        }
        if (model.Card.HasChatTemplate)
        {
            try
            {
                return Encoding.UTF8.GetString(Template(new LLamaTemplate(model.Weights.NativeHandle, strict: false)).Apply());
            }
            catch (MissingTemplateException)
            {
                // A template llama.cpp does not recognise: fall through to ChatML.
            }
        }
        return Encoding.UTF8.GetString(Template(new LLamaTemplate("chatml")).Apply());
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("llamasharp", null, model.ModelId)
        : serviceType == typeof(LlamaModel) ? model
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The model is owned by whoever loaded it.
    }
}

/// <summary>
/// Holds back streamed text that could be the start of a stop sequence, and cuts the text where one appears.
/// </summary>
internal sealed class StopSequenceFilter(IList<string>? stops)
{
    private readonly string[] _stops = stops?.Where(s => s.Length > 0).ToArray() ?? [];
    private readonly StringBuilder _pending = new();

    public bool Stopped { get; private set; }

    public (string Text, bool Stopped) Push(string text)
    {
        if (_stops.Length == 0) return (text, false);
        _pending.Append(text);
        var pending = _pending.ToString();
        var at = _stops.Select(s => pending.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        if (at >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return (pending[..at], true);
        }
        var keep = _stops.Max(s => LongestPrefixSuffix(pending, s));
        _pending.Remove(0, pending.Length - keep);
        return (pending[..^keep], false);
    }

    public string Flush()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        return rest;
    }

    /// <summary>Length of the longest end of <paramref name="text"/> that begins <paramref name="stop"/>.</summary>
    private static int LongestPrefixSuffix(string text, string stop)
    {
        for (var n = Math.Min(text.Length, stop.Length - 1); n > 0; n--)
        {
            if (text.AsSpan(text.Length - n).SequenceEqual(stop.AsSpan(0, n))) return n;
        }
        return 0;
    }
}
