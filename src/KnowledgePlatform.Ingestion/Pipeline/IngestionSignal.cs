namespace KnowledgePlatform.Ingestion.Pipeline;

/// <summary>Wakes the workers as soon as a job is queued in this process (other processes are found by polling).</summary>
public sealed class IngestionSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    public void Notify() => _signal.Release();

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
