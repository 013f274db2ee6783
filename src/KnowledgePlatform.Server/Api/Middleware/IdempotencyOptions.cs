using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Server.Api.Middleware;

/// <summary>Configuration section "Idempotency".</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>How long a stored response is replayed for its key.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Responses larger than this are not stored (the key is released instead).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 1024 * 1024;
}
