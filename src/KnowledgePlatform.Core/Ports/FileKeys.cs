namespace KnowledgePlatform.Core.Ports;

/// <summary>The layout of stored files: one folder per knowledge base and document, one file per version.</summary>
public static class FileKeys
{
    /// <summary>The folder of everything a tenant stored.</summary>
    public static string Tenant(string tenantId) => Safe(tenantId);

    public static string KnowledgeBase(string tenantId, string knowledgeBaseId) => $"{Tenant(tenantId)}/{Safe(knowledgeBaseId)}";

    public static string Document(string tenantId, string knowledgeBaseId, string documentId) =>
        $"{KnowledgeBase(tenantId, knowledgeBaseId)}/{Safe(documentId)}";

    public static string Version(Domain.Document document, int version) =>
        $"{Document(document.TenantId, document.KnowledgeBaseId, document.Id)}/v{version}{Safe(Path.GetExtension(document.FileName).ToLowerInvariant())}";

    private static string Safe(string segment) => string.Concat(segment.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')).Trim('.');
}
