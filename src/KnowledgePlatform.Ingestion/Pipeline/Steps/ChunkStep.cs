using KnowledgePlatform.Ingestion.Chunking;

namespace KnowledgePlatform.Ingestion.Pipeline.Steps;

/// <summary>chunk: structure-aware, token-bounded chunks with the knowledge base's settings.</summary>
public sealed class ChunkStep(Chunker chunker) : IIngestionStep
{
    public string Name => "chunk";
    public bool Durable => false;

    public Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var extracted = context.Extracted ?? throw new InvalidOperationException("chunk runs after extract");
        context.Drafts = chunker.Chunk(extracted, context.KnowledgeBase.Chunking);
        return Task.CompletedTask;
    }
}
