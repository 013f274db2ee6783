using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Pipeline;

/// <summary>
/// One queue in front of each embedding model for the embed steps of every job in flight (decision 0164). Each call
/// to the model takes whatever the jobs have queued, up to <see cref="IngestionOptions.EmbeddingBatchSize"/> texts,
/// so short documents share calls (the model sorts a call's texts by length and pads each run only to its longest)
/// and the model works while other jobs extract, chunk and write. One call at a time per model: more jobs in flight
/// do not mean more threads in the model. A call that fails with several jobs' texts is run again job by job, so
/// the failure reaches only the job whose text caused it.
/// </summary>
public sealed class EmbeddingBatcher(IOptions<IngestionOptions> options) : IAsyncDisposable
{
    private readonly Dictionary<IEmbeddingGenerator<string, Embedding<float>>, Lane> _lanes = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The vectors of <paramref name="texts"/>, in their order, from <paramref name="generator"/>'s queue.</summary>
    public Task<ReadOnlyMemory<float>[]> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        if (texts.Count == 0) return Task.FromResult(Array.Empty<ReadOnlyMemory<float>>());
        Lane lane;
        lock (_lanes)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (!_lanes.TryGetValue(generator, out lane!))
                _lanes[generator] = lane = new Lane(generator, options.Value.EmbeddingBatchSize, _stopping.Token);
        }
        var request = new Request(texts, cancellationToken);
        lane.Enqueue(request);
        return request.Result.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        List<Lane> lanes;
        lock (_lanes)
        {
            if (_stopping.IsCancellationRequested) return;
            _stopping.Cancel();
            lanes = [.. _lanes.Values];
        }
        foreach (var lane in lanes) await lane.StopAsync();
        _stopping.Dispose();
    }

    private sealed class Request(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        private readonly ReadOnlyMemory<float>[] _vectors = new ReadOnlyMemory<float>[texts.Count];
        private int _filled;

        public IReadOnlyList<string> Texts { get; } = texts;
        public CancellationToken Cancellation { get; } = cancellationToken;
        public TaskCompletionSource<ReadOnlyMemory<float>[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Texts already given to a model call.</summary>
        public int Taken { get; set; }
        public bool Abandoned => Result.Task.IsCompleted || Cancellation.IsCancellationRequested;

        public void Fill(int start, IList<Embedding<float>> embeddings, int offset, int count)
        {
            for (var i = 0; i < count; i++) _vectors[start + i] = embeddings[offset + i].Vector;
            if ((_filled += count) == _vectors.Length) Result.TrySetResult(_vectors);
        }
    }

    private readonly record struct Slice(Request Request, int Start, int Count);

    private sealed class Lane
    {
        private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
        private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
        private readonly int _maxTexts;
        private readonly CancellationToken _stopping;
        private readonly Task _loop;

        public Lane(IEmbeddingGenerator<string, Embedding<float>> generator, int maxTexts, CancellationToken stopping)
        {
            (_generator, _maxTexts, _stopping) = (generator, maxTexts, stopping);
            _loop = Task.Run(RunAsync, CancellationToken.None);
        }

        public void Enqueue(Request request)
        {
            if (!_queue.Writer.TryWrite(request)) request.Result.TrySetException(new ObjectDisposedException(nameof(EmbeddingBatcher)));
        }

        public async Task StopAsync()
        {
            _queue.Writer.TryComplete();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            while (_queue.Reader.TryRead(out var left)) left.Result.TrySetCanceled(_stopping);
        }

        private async Task RunAsync()
        {
            Request? carried = null; // a request larger than one call, partly taken
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    if (carried is null && !await _queue.Reader.WaitToReadAsync(_stopping)) return;
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                var call = new List<Slice>();
                var count = 0;
                while (count < _maxTexts && (carried ?? (_queue.Reader.TryRead(out var next) ? next : null)) is { } request)
                {
                    carried = null;
                    if (request.Abandoned)
                    {
                        request.Result.TrySetCanceled(request.Cancellation);
                        continue;
                    }
                    var take = Math.Min(_maxTexts - count, request.Texts.Count - request.Taken);
                    call.Add(new Slice(request, request.Taken, take));
                    (request.Taken, count) = (request.Taken + take, count + take);
                    if (request.Taken < request.Texts.Count) carried = request;
                }
                if (call.Count > 0) await RunCallAsync(call);
            }
        }

        private async Task RunCallAsync(IReadOnlyList<Slice> call)
        {
            var texts = call.SelectMany(s => s.Request.Texts.Skip(s.Start).Take(s.Count)).ToList();
            try
            {
                var embeddings = await _generator.GenerateAsync(texts, cancellationToken: _stopping);
                if (embeddings.Count != texts.Count)
                    throw new InvalidOperationException($"The embedding model returned {embeddings.Count} vectors for {texts.Count} texts.");
                var offset = 0;
                foreach (var slice in call)
                {
                    slice.Request.Fill(slice.Start, embeddings, offset, slice.Count);
                    offset += slice.Count;
                }
            }
            catch (Exception) when (call.Count > 1 && !_stopping.IsCancellationRequested)
            {
                foreach (var slice in call) await RunCallAsync([slice]);
            }
            catch (Exception ex)
            {
                foreach (var slice in call)
                {
                    if (_stopping.IsCancellationRequested) slice.Request.Result.TrySetCanceled(_stopping);
                    else slice.Request.Result.TrySetException(ex);
                }
            }
        }
    }
}
