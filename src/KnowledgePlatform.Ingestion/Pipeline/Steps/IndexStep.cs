using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Ingestion.Pipeline.Steps;

/// <summary>
/// index: the stored chunks replace whatever the index held for the document. Not durable on purpose:
/// the document's indexed version only moves when the job succeeds, so an index write that a crash or
/// shutdown left before that point is not the indexed state (the start-up repair rebuilds the index from
/// the indexed versions). A resumed job therefore always writes the index again, which is idempotent.
/// </summary>
public sealed class IndexStep(IChunkIndex index, IIngestionStore store) : IIngestionStep
{
    public string Name => "index";
    public bool Durable => false;

    public async Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var document = context.Document;
        var chunks = context.Chunks ?? await store.LoadChunksAsync(document.Id, context.Version, cancellationToken);
        var indexed = IndexedChunk.Of(chunks, document);
        // No progress write of its own: the job's success, a moment later, shows the document ready at 100 %.
        await index.ReplaceDocumentAsync(new DocumentRef(document.TenantId, document.KnowledgeBaseId, document.Id), indexed, cancellationToken);
    }
}
