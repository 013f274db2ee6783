
namespace KnowledgePlatform.Core.Domain;

/// <summary>A stored response to a write sent with an Idempotency-Key, replayed when the same key comes again.</summary>
public sealed class IdempotencyRecord
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Key { get; init; }
    /// <summary>SHA-256 of method, path and body: the same key with another request is refused.</summary>
    public required string RequestHash { get; init; }
    /// <summary>0 while the first request is still running.</summary>
    public int StatusCode { get; set; }
    public string? ContentType { get; set; }
    public byte[]? Body { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public required DateTimeOffset ExpiresAt { get; init; }
}
