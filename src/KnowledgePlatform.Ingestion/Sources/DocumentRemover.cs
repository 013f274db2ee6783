using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Ingestion.Sources;

/// <summary>
/// Takes a vanished item's document out of the knowledge base: the index first (idempotent; a crash after it
/// leaves rows the next sync removes, never searchable orphans), then the rows with the item and its history
/// entry in one transaction, then the stored files.
/// </summary>
public sealed class DocumentRemover(IChunkIndex index, ISourceStore store, IFileStore files)
{
    public async Task RemoveAsync(SyncRun run, SourceItem item, string reason, CancellationToken cancellationToken)
    {
        await index.DeleteDocumentAsync(new DocumentRef(item.TenantId, run.KnowledgeBaseId, item.DocumentId), cancellationToken);
        await store.RemoveItemAsync(run.Id, item, reason, cancellationToken);
        await files.DeleteFolderAsync(FileKeys.Document(item.TenantId, run.KnowledgeBaseId, item.DocumentId), cancellationToken);
    }
}
