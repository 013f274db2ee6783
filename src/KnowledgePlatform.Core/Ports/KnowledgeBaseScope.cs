namespace KnowledgePlatform.Core.Ports;

/// <summary>One knowledge base and the tenant that owns it.</summary>
public sealed record KnowledgeBaseScope(string TenantId, string KnowledgeBaseId);
