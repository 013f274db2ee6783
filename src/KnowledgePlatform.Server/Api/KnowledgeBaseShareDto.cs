namespace KnowledgePlatform.Server.Api;

public sealed record KnowledgeBaseShareDto(string KnowledgeBaseId, string TenantId, DateTimeOffset GrantedAt, string GrantedBy);
