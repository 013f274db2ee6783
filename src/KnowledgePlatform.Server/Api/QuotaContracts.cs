namespace KnowledgePlatform.Server.Api;

/// <summary>The platform admin's overrides for one tenant; a null field takes the configured default.</summary>
public sealed record TenantQuotaRequest(long? TokensPerDay = null, long? KeyTokensPerDay = null, long? StorageBytes = null);
