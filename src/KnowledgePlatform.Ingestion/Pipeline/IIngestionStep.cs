namespace KnowledgePlatform.Ingestion.Pipeline;

/// <summary>
/// One named step of the ingestion chain. Steps are idempotent: running one again with the same
/// input produces the same output and no duplicates. A durable step persists its output, so a job
/// resumed after a crash starts after the last durable step that completed.
/// </summary>
public interface IIngestionStep
{
    string Name { get; }

    bool Durable { get; }

    Task RunAsync(IngestionContext context, CancellationToken cancellationToken);
}
