using System.ComponentModel.DataAnnotations;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.RateLimiting;

namespace KnowledgePlatform.Server.Security;

/// <summary>Configuration section "Security:RateLimits".</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Security:RateLimits";

    /// <summary>Requests one API key may make per minute.</summary>
    [Range(1, int.MaxValue)]
    public int KeyRequestsPerMinute { get; set; } = 600;

    /// <summary>Requests all of a tenant's keys together may make per minute.</summary>
    [Range(1, int.MaxValue)]
    public int TenantRequestsPerMinute { get; set; } = 3000;

    /// <summary>
    /// Where the counts live (decision 0091): "memory" (this process), "database" (the metadata database), "redis"
    /// (Redis:Configuration) or "auto": Redis when configured, else the database when it is PostgreSQL, else memory.
    /// </summary>
    [RegularExpression("^(auto|memory|database|redis)$", ErrorMessage = "Security:RateLimits:Store must be auto, memory, database or redis.")]
    public string Store { get; set; } = "auto";

    /// <summary>The store in force for this deployment.</summary>
    public string EffectiveStore(StorageOptions storage, RedisOptions redis) => Store switch
    {
        "auto" when redis.Enabled => "redis",
        "auto" when storage.IsPostgres => "database",
        "auto" => "memory",
        _ => Store,
    };
}
