using System.Collections.Concurrent;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace KnowledgePlatform.Infrastructure.ChatModels;

/// <summary>
/// A GGUF model loaded by LLamaSharp after <see cref="GgufModelCard.Inspect"/> has checked it, with a pool of
/// contexts: at most <see cref="LlamaOptions.Sequences"/> sequences are generated at once.
/// </summary>
public sealed class LlamaModel : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<LLamaContext> _idle = [];
    private readonly ModelParams _params;
    private int _waiting;

    /// <summary>Tokens per llama.cpp batch (and micro-batch) when reading a prompt.</summary>
    private const uint BatchSize = 512;

    private LlamaModel(string modelPath, int sequences, GgufModelCard card, LLamaWeights weights, ModelParams parameters)
    {
        Card = card;
        Weights = weights;
        _params = parameters;
        _slots = new SemaphoreSlim(sequences, sequences);
        var vocab = weights.Vocab;
        EndOfGenerationBias = Enumerable.Range(0, vocab.Count).Select(i => (LLamaToken)i).Where(t => t.IsEndOfGeneration(vocab))
            .ToDictionary(t => t, _ => float.NegativeInfinity);
        ModelId = Path.GetFileNameWithoutExtension(modelPath);
    }

    public GgufModelCard Card { get; }
    public string ModelId { get; }
    internal LLamaWeights Weights { get; }
    /// <summary>A logit bias that forbids every end-of-generation token (for "ignore_eos").</summary>
    internal IReadOnlyDictionary<LLamaToken, float> EndOfGenerationBias { get; }

    /// <summary>Sequences waiting for a free slot.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Checks the file, then loads it; a bad file is a <see cref="ModelFileException"/>, never a crash.</summary>
    public static LlamaModel Load(LlamaOptions settings, ILogger logger)
    {
        if (settings.Sequences < 1) throw new ArgumentOutOfRangeException(nameof(settings), "Sequences must be at least 1.");
        var modelPath = Path.GetFullPath(settings.ModelPath);
        var card = GgufModelCard.Inspect(modelPath);
        if (settings.ContextSize > card.ContextLength)
            logger.LogInformation("Context size {Requested} is larger than the {Trained} tokens {Model} was trained for", settings.ContextSize, card.ContextLength, card.Name);
        LlamaRuntime.EnsureConfigured(logger);
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = settings.ContextSize,
            Threads = settings.Threads > 0 ? settings.Threads : null,
            BatchThreads = settings.Threads > 0 ? settings.Threads : null,
            GpuLayerCount = settings.GpuLayers,
            BatchSize = BatchSize,
            UBatchSize = BatchSize,
        };
        var mark = LlamaRuntime.Mark;
        try
        {
            var weights = LLamaWeights.LoadFromFile(parameters);
            logger.LogInformation("Loaded {Model}: {Architecture}, {Quantization}, {Total:N0} parameters ({Active:N0} active per token)",
                card.Name ?? Path.GetFileName(modelPath), card.Architecture, card.Quantization, card.TotalParameters, card.ActiveParameters);
            return new LlamaModel(modelPath, settings.Sequences, card, weights, parameters);
        }
        catch (LoadWeightsFailedException)
        {
            var reason = LlamaRuntime.ProblemsSince(mark);
            throw new ModelFileException($"llama.cpp could not load '{modelPath}'{(reason.Length > 0 ? $": {reason}" : ".")}");
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
