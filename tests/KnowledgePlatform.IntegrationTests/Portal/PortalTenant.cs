namespace KnowledgePlatform.IntegrationTests.Portal;

/// <summary>
/// One tenant of a two-tenant portal test: every name it owns (knowledge base, document, users, keys, policy, widget
/// title, the question it asked) carries its <see cref="Word"/>, so a page or a response that shows the other tenant's
/// word shows the other tenant's data.
/// </summary>
public sealed record PortalTenant(string Word, string AdminKey, string AdminEmail, string KnowledgeBase, string DocumentId)
{
    public string TenantId => "tenant-" + Word;
}
