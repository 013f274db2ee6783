using System.Collections.Concurrent;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>How a GGUF model is run in-process: shared by the llamasharp chat provider and the model host.</summary>
public sealed record LlamaSettings(string ModelPath)
{
    /// <summary>Tokens of context per sequence (prompt and answer together).</summary>
    public uint ContextSize { get; init; } = 4096;
    /// <summary>CPU threads per sequence; 0 lets llama.cpp decide.</summary>
    public int Threads { get; init; }
    /// <summary>Sequences generated at once; more requests wait for a free one.</summary>
    public int Sequences { get; init; } = 1;
    /// <summary>Layers offloaded to the GPU when a GPU backend is present (-1: all).</summary>
    public int GpuLayers { get; init; }
    public uint BatchSize { get; init; } = 512;
}

/// <summary>
/// A GGUF model loaded by LLamaSharp after <see cref="GgufModelCard.Inspect"/> has checked it, with a pool of
/// contexts: at most <see cref="LlamaSettings.Sequences"/> sequences are generated at once.
/// </summary>
public sealed class LlamaModel : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<LLamaContext> _idle = [];
    private readonly ModelParams _params;
    private int _waiting;

    private LlamaModel(LlamaSettings settings, GgufModelCard card, LLamaWeights weights, ModelParams parameters)
    {
        Settings = settings;
        Card = card;
        Weights = weights;
        _params = parameters;
        _slots = new SemaphoreSlim(settings.Sequences, settings.Sequences);
        var vocab = weights.Vocab;
        EndOfGenerationBias = Enumerable.Range(0, vocab.Count).Select(i => (LLamaToken)i).Where(t => t.IsEndOfGeneration(vocab))
            .ToDictionary(t => t, _ => float.NegativeInfinity);
        ModelId = Path.GetFileNameWithoutExtension(settings.ModelPath);
    }

    public LlamaSettings Settings { get; }
    public GgufModelCard Card { get; }
    public string ModelId { get; }
    internal LLamaWeights Weights { get; }
    /// <summary>A logit bias that forbids every end-of-generation token (for "ignore_eos").</summary>
    internal IReadOnlyDictionary<LLamaToken, float> EndOfGenerationBias { get; }

    /// <summary>Sequences waiting for a free slot.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Checks the file, then loads it; a bad file is a <see cref="ModelFileException"/>, never a crash.</summary>
    public static LlamaModel Load(LlamaSettings settings, ILogger logger)
    {
        if (settings.Sequences < 1) throw new ArgumentOutOfRangeException(nameof(settings), "Sequences must be at least 1.");
        var card = GgufModelCard.Inspect(settings.ModelPath);
        if (settings.ContextSize > card.ContextLength)
            logger.LogInformation("Context size {Requested} is larger than the {Trained} tokens {Model} was trained for", settings.ContextSize, card.ContextLength, card.Name);
        LlamaRuntime.EnsureConfigured(logger);
        var parameters = new ModelParams(settings.ModelPath)
        {
            ContextSize = settings.ContextSize,
            Threads = settings.Threads > 0 ? settings.Threads : null,
            BatchThreads = settings.Threads > 0 ? settings.Threads : null,
            GpuLayerCount = settings.GpuLayers,
            BatchSize = settings.BatchSize,
            UBatchSize = settings.BatchSize,
        };
        var mark = LlamaRuntime.Mark;
        try
        {
            var weights = LLamaWeights.LoadFromFile(parameters);
            logger.LogInformation("Loaded {Model}: {Architecture}, {Quantization}, {Total:N0} parameters ({Active:N0} active per token)",
                card.Name ?? Path.GetFileName(settings.ModelPath), card.Architecture, card.Quantization, card.TotalParameters, card.ActiveParameters);
            return new LlamaModel(settings, card, weights, parameters);
        }
        catch (LoadWeightsFailedException)
        {
            var reason = LlamaRuntime.ProblemsSince(mark);
            throw new ModelFileException($"llama.cpp could not load '{settings.ModelPath}'{(reason.Length > 0 ? $": {reason}" : ".")}");
        }
    }

    /// <summary>Waits for a free sequence slot and hands out a clean context for it.</summary>
    internal async Task<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        try
        {
            return new Lease(this, _idle.TryTake(out var context) ? context : Weights.CreateContext(_params));
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    internal sealed class Lease(LlamaModel model, LLamaContext context) : IDisposable
    {
        public LLamaContext Context => context;

        public void Dispose()
        {
            context.NativeHandle.MemoryClear();
            model._idle.Add(context);
            model._slots.Release();
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var context)) context.Dispose();
        Weights.Dispose();
        _slots.Dispose();
    }
}
