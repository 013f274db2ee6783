using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>
/// Where the Qdrant adapter records which generation of a document's points searches may see (decision 0094): the
/// metadata database in production, shared by every replica and worker.
/// </summary>
public interface ILiveGenerations
{
    /// <summary>Starts replacing a document with points of <paramref name="generation"/>, hidden until published; waits while another replace of it holds its lease.</summary>
    Task BeginAsync(DocumentRef document, string generation, CancellationToken cancellationToken);

    /// <summary>From now on searches see only <paramref name="generation"/> of the document.</summary>
    Task PublishAsync(DocumentRef document, string generation, CancellationToken cancellationToken);

    /// <summary>The document has one generation in Qdrant again.</summary>
    Task EndAsync(DocumentRef document, CancellationToken cancellationToken);

    /// <summary>A replace that failed: its lease ends now, so the next replace takes over at once.</summary>
    Task ReleaseAsync(DocumentRef document, CancellationToken cancellationToken);

    /// <summary>The document (or, without one, the whole knowledge base) is gone from the index.</summary>
    Task ForgetAsync(string tenantId, string knowledgeBaseId, string? documentId, CancellationToken cancellationToken);

    Task<IndexView> ReadAsync(IReadOnlyCollection<string> knowledgeBaseIds, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, long>> EpochsAsync(IReadOnlyCollection<string> knowledgeBaseIds, CancellationToken cancellationToken);
}
