namespace KnowledgePlatform.Core.Domain;

// Issue 7: quotas and shared knowledge bases (decisions 0041 and 0042).

/// <summary>A tenant's quota overrides, set by the platform admin; a null field takes the configured default.</summary>
public sealed class TenantQuota
{
    public required string TenantId { get; init; }
    /// <summary>Tokens (questions, answers, cited passages) all of the tenant's keys may use per UTC day.</summary>
    public long? TokensPerDay { get; set; }
    /// <summary>Tokens one key of the tenant may use per UTC day.</summary>
    public long? KeyTokensPerDay { get; set; }
    /// <summary>Bytes of documents (latest versions) the tenant may store.</summary>
    public long? StorageBytes { get; set; }
}

/// <summary>Tokens one key used on one UTC day: the meter behind the daily token quotas.</summary>
public sealed class TokenUsage
{
    public required string TenantId { get; init; }
    public required string KeyId { get; init; }
    public required DateOnly Day { get; init; }
    public long Tokens { get; set; }
}

/// <summary>A knowledge base published read-only by the platform tenant to another tenant.</summary>
public sealed class KnowledgeBaseShare
{
    public required string KnowledgeBaseId { get; init; }
    /// <summary>The tenant the knowledge base is published to (the grantee, not the owner).</summary>
    public required string TenantId { get; init; }
    public DateTimeOffset GrantedAt { get; init; } = DateTimeOffset.UtcNow;
    public required string GrantedBy { get; init; }
}
