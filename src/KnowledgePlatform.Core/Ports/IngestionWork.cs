using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>A claimed job with the document and knowledge base it is about, and the tenant's policy in force.</summary>
public sealed record IngestionWork(IngestionJob Job, Document Document, KnowledgeBase KnowledgeBase)
{
    public Policies.SecurityPolicy Policy { get; init; } = Policies.PolicyTemplates.Default;
}
