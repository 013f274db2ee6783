namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>Counts the changes to a knowledge base's transitions: a search that saw the same epoch before and after its query saw one consistent state.</summary>
public sealed class IndexEpoch
{
    public required string KnowledgeBaseId { get; init; }
    public long Epoch { get; set; }
}
