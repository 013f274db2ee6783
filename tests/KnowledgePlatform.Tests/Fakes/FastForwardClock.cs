namespace KnowledgePlatform.Tests.Fakes;

/// <summary>
/// A clock that never waits: every timer fires at once and the clock jumps ahead by its due time, so retries run
/// without sleeping and the waits they asked for can be checked.
/// </summary>
internal sealed class FastForwardClock : TimeProvider
{
    private readonly DateTimeOffset _start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly List<TimeSpan> _waits = [];

    public IReadOnlyList<TimeSpan> Waits
    {
        get { lock (_waits) return [.. _waits]; }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_waits) return _start + _waits.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_waits) _waits.Add(dueTime);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => default;
    }
}
