namespace KnowledgePlatform.Core.Ports;

public sealed record DocumentRef(string TenantId, string KnowledgeBaseId, string DocumentId);
