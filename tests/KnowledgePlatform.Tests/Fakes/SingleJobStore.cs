using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;

namespace KnowledgePlatform.Tests.Fakes;

/// <summary>
/// An ingestion store that hands out one job (document d1 of tenant acme) and records the step starts reported, the
/// failures recorded and whether the job succeeded. What a runner test does not expect throws.
/// </summary>
internal class SingleJobStore : IIngestionStore
{
    private bool _claimed;

    public List<string> Reports { get; } = [];
    public List<(string Reason, TimeSpan? RetryAfter)> Recorded { get; } = [];
    public bool Succeeded { get; private set; }

    public Task<IngestionWork?> ClaimNextAsync(string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (_claimed) return Task.FromResult<IngestionWork?>(null);
        _claimed = true;
        var document = new Document
        {
            Id = "d1", TenantId = "acme", KnowledgeBaseId = "kb", FileName = "a.md", Format = "md", SizeBytes = 1, ContentHash = "h", StorageKey = "k",
        };
        var job = new IngestionJob { Id = "j1", TenantId = "acme", DocumentId = "d1", DocumentVersion = 1, Attempts = 1 };
        return Task.FromResult<IngestionWork?>(new IngestionWork(job, document, new KnowledgeBase { Id = "kb", TenantId = "acme", Name = "KB", EmbeddingModel = "m", EmbeddingDimension = 3 }));
    }

    public virtual Task FailAsync(string jobId, string documentId, string reason, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        Recorded.Add((reason, retryAfter));
        return Task.CompletedTask;
    }

    public Task ReportProgressAsync(string jobId, string documentId, string step, int percent, TimeSpan lease, CancellationToken cancellationToken)
    {
        Reports.Add(step);
        return Task.CompletedTask;
    }

    public Task<bool> SucceedAsync(string jobId, string documentId, int version, CancellationToken cancellationToken)
    {
        Succeeded = true;
        return Task.FromResult(true);
    }

    public Task<Document?> FindBySourceAsync(string tenantId, string knowledgeBaseId, string fileName, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<Document?> FindAsync(string tenantId, string documentId, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<bool> EnqueueAsync(Document document, IngestionJob job, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task CompleteStepAsync(string jobId, string step, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task SaveChunksAsync(string documentId, int version, string? title, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task RecordRecognitionAsync(string documentId, int version, TextRecognition? recognition, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<Chunk>> LoadChunksAsync(string documentId, int version, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task ReleaseAsync(string jobId, CancellationToken cancellationToken) => throw new NotSupportedException();
}
