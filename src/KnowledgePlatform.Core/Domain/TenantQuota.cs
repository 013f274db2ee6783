namespace KnowledgePlatform.Core.Domain;

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
