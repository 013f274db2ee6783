using KnowledgePlatform.Ingestion.Pipeline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Xunit;

namespace KnowledgePlatform.Tests.Ingestion;

/// <summary>The queue in front of the embedding model that the embed steps of all jobs in flight share.</summary>
public sealed class EmbeddingBatcherTests : IAsyncDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly RecordingGenerator _model = new();
    private readonly EmbeddingBatcher _batcher;

    public EmbeddingBatcherTests() => _batcher = new EmbeddingBatcher(Options.Create(new IngestionOptions { EmbeddingBatchSize = 4 }));

    [Fact]
    public async Task Texts_that_jobs_queue_while_the_model_is_busy_share_its_next_call_and_each_job_gets_its_own_vectors()
    {
        _model.Hold();
        var first = _batcher.EmbedAsync(_model, ["a"], _ct);
        await _model.Started.WaitAsync(_ct);
        var second = _batcher.EmbedAsync(_model, ["bb", "ccc"], _ct);
        var third = _batcher.EmbedAsync(_model, ["dddd"], _ct);
        _model.Release();

        Assert.Equal(new[] { 1f }, Lengths(await first));
        Assert.Equal(new[] { 2f, 3f }, Lengths(await second));
        Assert.Equal(new[] { 4f }, Lengths(await third));
        Assert.Equal([["a"], ["bb", "ccc", "dddd"]], _model.Calls);
    }

    [Fact]
    public async Task A_job_with_more_texts_than_one_call_takes_is_split_into_calls_and_keeps_its_order()
    {
        var texts = Enumerable.Range(1, 10).Select(n => new string('x', n)).ToList();

        var vectors = await _batcher.EmbedAsync(_model, texts, _ct);

        Assert.Equal(Enumerable.Range(1, 10).Select(n => (float)n), Lengths(vectors));
        Assert.Equal([4, 4, 2], _model.Calls.Select(c => c.Count));
    }

    [Fact]
    public async Task A_text_the_model_rejects_fails_only_the_job_it_came_from()
    {
        _model.Hold();
        var first = _batcher.EmbedAsync(_model, ["a"], _ct);
        await _model.Started.WaitAsync(_ct);
        var good = _batcher.EmbedAsync(_model, ["bb"], _ct);
        var bad = _batcher.EmbedAsync(_model, ["poison"], _ct);
        var alsoGood = _batcher.EmbedAsync(_model, ["dddd"], _ct);
        _model.Release();

        await first;
        Assert.Equal(new[] { 2f }, Lengths(await good));
        Assert.Equal(new[] { 4f }, Lengths(await alsoGood));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Contains("poison", failure.Message);
    }

    [Fact]
    public async Task A_job_cancelled_while_it_waits_is_not_embedded_and_does_not_disturb_the_others()
    {
        _model.Hold();
        var first = _batcher.EmbedAsync(_model, ["a"], _ct);
        await _model.Started.WaitAsync(_ct);
        using var cancel = new CancellationTokenSource();
        var cancelled = _batcher.EmbedAsync(_model, ["gone"], cancel.Token);
        var waiting = _batcher.EmbedAsync(_model, ["bb"], _ct);
        await cancel.CancelAsync();
        _model.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(new[] { 2f }, Lengths(await waiting));
        await first;
        Assert.DoesNotContain(_model.Calls, call => call.Contains("gone"));
    }

    public async ValueTask DisposeAsync() => await _batcher.DisposeAsync();

    private static float[] Lengths(ReadOnlyMemory<float>[] vectors) => [.. vectors.Select(v => v.Span[0])];

    /// <summary>Embeds a text as [its length]; can hold its first call until released; rejects the text "poison".</summary>
    private sealed class RecordingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? _gate;

        public List<List<string>> Calls { get; } = [];
        public Task Started => _started.Task;

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate!.TrySetResult();

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            lock (Calls) Calls.Add(texts);
            _started.TrySetResult();
            if (_gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
            if (texts.FirstOrDefault(t => t == "poison") is { } bad) throw new InvalidOperationException($"The model cannot embed '{bad}'.");
            return [.. texts.Select(t => new Embedding<float>(new[] { (float)t.Length }))];
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
