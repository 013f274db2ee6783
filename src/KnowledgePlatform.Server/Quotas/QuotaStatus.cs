namespace KnowledgePlatform.Server.Quotas;

/// <summary>The limits in force for a tenant: its overrides over the defaults.</summary>
public sealed record QuotaLimits(long TokensPerDay, long KeyTokensPerDay, long StorageBytes);

/// <summary>A tenant's limits and what it has used; the key's own usage today too.</summary>
public sealed record QuotaStatusDto(QuotaLimits Limits, long TenantTokensToday, long KeyTokensToday, long StorageBytesUsed, DateTimeOffset ResetsAt);
