namespace KnowledgePlatform.Infrastructure.RateLimiting;

/// <summary>Configuration section "Redis": optional, for rate-limit counters shared by replicas.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis configuration, e.g. "redis:6379,password=…,ssl=true"; empty: no Redis.</summary>
    public string? Configuration { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}
