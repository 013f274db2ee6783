namespace KnowledgePlatform.Infrastructure.RateLimiting;

/// <summary>The outcome of taking a permit: allowed or not, and how long until the window that refused it ends.</summary>
public readonly record struct WindowPermit(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// Fixed-window counters that every replica shares (decision 0091): the metadata database or Redis. A permit is taken
/// only while the window has one left, so refused requests do not use up the window.
/// </summary>
public interface IWindowCounter
{
    Task<WindowPermit> TryTakeAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken);
}

/// <summary>The fixed window that contains an instant: windows start at multiples of their length since the Unix epoch.</summary>
public readonly record struct FixedWindow(long Start, TimeSpan Length)
{
    public static FixedWindow At(DateTimeOffset now, TimeSpan length)
    {
        var seconds = Math.Max(1, (long)length.TotalSeconds);
        var unix = now.ToUnixTimeSeconds();
        return new FixedWindow(unix - unix % seconds, TimeSpan.FromSeconds(seconds));
    }

    public DateTimeOffset End => DateTimeOffset.FromUnixTimeSeconds(Start) + Length;

    public TimeSpan Remaining(DateTimeOffset now) => End - now is { Ticks: > 0 } left ? left : TimeSpan.Zero;
}
