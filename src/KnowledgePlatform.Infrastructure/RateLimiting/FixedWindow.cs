namespace KnowledgePlatform.Infrastructure.RateLimiting;

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
