using StackExchange.Redis;

namespace KnowledgePlatform.Infrastructure.RateLimiting;

/// <summary>
/// Window counters in Redis (Redis:Configuration): one Lua script per permit, atomic on the server, that adds one only
/// while the window has permits left and lets the key expire with its window.
/// </summary>
public sealed class RedisWindowCounter(IConnectionMultiplexer redis, TimeProvider clock) : IWindowCounter
{
    private const string Script = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if current >= tonumber(ARGV[1]) then return 0 end
        current = redis.call('INCR', KEYS[1])
        if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 1
        """;

    public async Task<WindowPermit> TryTakeAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var current = FixedWindow.At(now, window);
        var expiry = (long)(current.Remaining(now) + TimeSpan.FromSeconds(5)).TotalMilliseconds;
        var taken = (long)await redis.GetDatabase().ScriptEvaluateAsync(Script, [$"kp:rl:{key}:{current.Start}"], [limit, expiry]);
        return new WindowPermit(taken == 1, current.Remaining(now));
    }
}
