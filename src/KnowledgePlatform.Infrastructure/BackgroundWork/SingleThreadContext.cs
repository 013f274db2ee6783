using System.Collections.Concurrent;

namespace KnowledgePlatform.Infrastructure.BackgroundWork;

/// <summary>A synchronization context that runs every posted continuation on the one thread that pumps it.</summary>
internal sealed class SingleThreadContext : SynchronizationContext
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

    public override void Post(SendOrPostCallback d, object? state)
    {
        // A continuation posted after the work ended (a timer's) has nothing left to resume; it runs where it was posted.
        try
        {
            _queue.Add((d, state));
            return;
        }
        catch (InvalidOperationException)
        {
        }
        ThreadPool.QueueUserWorkItem(s => d(s), state, preferLocal: false);
    }

    public void Complete() => _queue.CompleteAdding();

    /// <summary>Runs posted continuations on the calling thread until <see cref="Complete"/>.</summary>
    public void RunUntilComplete()
    {
        foreach (var (callback, state) in _queue.GetConsumingEnumerable()) callback(state);
    }
}
