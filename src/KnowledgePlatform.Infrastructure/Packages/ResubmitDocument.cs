using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Infrastructure.Packages;

/// <summary>
/// Submits an original file to the normal ingestion pipeline (used when embeddings cannot be reused), with its groups,
/// tags and effective date written before its job is queued.
/// </summary>
public delegate Task<Document> ResubmitDocument(
    KnowledgeBase knowledgeBase, string fileName, Stream content, IReadOnlyList<string> groups, IReadOnlyList<string> tags, DateOnly? effectiveDate,
    CancellationToken cancellationToken);
