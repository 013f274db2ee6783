namespace KnowledgePlatform.Core.Domain;

/// <summary>A credential that belongs to one tenant. Only the SHA-256 hash of the secret is stored.</summary>
public sealed class ApiKey
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Name { get; set; }
    /// <summary>The first characters of the key, shown to people to tell keys apart.</summary>
    public required string Prefix { get; init; }
    public required string Hash { get; init; }
    /// <summary>What the key may do; see <see cref="ApiScopes"/>.</summary>
    public IReadOnlyList<string> Scopes { get; set; } = ApiScopes.All;
    /// <summary>When set, the only knowledge bases (ids) the key can reach; others answer 404.</summary>
    public IReadOnlyList<string>? KnowledgeBaseIds { get; set; }
    /// <summary>Server keys are secret; widget keys are public, so they only ask, only on named knowledge bases, only from <see cref="AllowedOrigins"/>.</summary>
    public ApiKeyKind Kind { get; set; } = ApiKeyKind.Server;
    /// <summary>The access groups the key holds (claim kp:group); documents carrying groups are visible only to holders of one of them.</summary>
    public IReadOnlyList<string>? Groups { get; set; }
    /// <summary>For widget keys: the web origins (scheme://host[:port]) pages using the key may be served from.</summary>
    public IReadOnlyList<string>? AllowedOrigins { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
