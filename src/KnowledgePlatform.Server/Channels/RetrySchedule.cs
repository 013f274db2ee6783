namespace KnowledgePlatform.Server.Channels;

/// <summary>The wait before the next round: twice the last one, from the first delay up to the maximum, with ±25 % jitter.</summary>
public static class RetrySchedule
{
    public static TimeSpan Delay(int roundsDone, TimeSpan first, TimeSpan max, Random random)
    {
        var exponential = first.TotalMilliseconds * Math.Pow(2, Math.Max(0, roundsDone - 1));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.75 + random.NextDouble() * 0.5));
    }
}
