using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing.Qdrant;

namespace KnowledgePlatform.Tests.Indexing;

/// <summary>The live generations of decision 0094 in memory, for the Qdrant adapter in tests (one process, no database).</summary>
public sealed class InMemoryLiveGenerations : ILiveGenerations
{
    private readonly object _lock = new();
    private readonly Dictionary<string, IndexTransition> _transitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _epochs = new(StringComparer.Ordinal);

    /// <summary>Called after each change, with the knowledge base whose epoch moved (a test can act between two steps).</summary>
    public Action<string>? Changed { get; set; }

    public Task BeginAsync(DocumentRef document, string generation, CancellationToken cancellationToken) => Change(document.KnowledgeBaseId, () =>
    {
        if (_transitions.TryGetValue(document.DocumentId, out var row))
        {
            if (row.LiveGeneration is null) row.HiddenGenerations = [.. row.HiddenGenerations, generation];
            return;
        }
        _transitions[document.DocumentId] = new IndexTransition
        {
            DocumentId = document.DocumentId, TenantId = document.TenantId, KnowledgeBaseId = document.KnowledgeBaseId,
            HiddenGenerations = [generation], Owner = "test", LeaseExpiresAt = DateTimeOffset.MaxValue,
        };
    });

    public Task PublishAsync(DocumentRef document, string generation, CancellationToken cancellationToken) => Change(document.KnowledgeBaseId, () =>
    {
        if (_transitions.TryGetValue(document.DocumentId, out var row)) (row.LiveGeneration, row.HiddenGenerations) = (generation, []);
    });

    public Task EndAsync(DocumentRef document, CancellationToken cancellationToken) =>
        Change(document.KnowledgeBaseId, () => _transitions.Remove(document.DocumentId));

    public Task ReleaseAsync(DocumentRef document, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ForgetAsync(string tenantId, string knowledgeBaseId, string? documentId, CancellationToken cancellationToken) => Change(knowledgeBaseId, () =>
    {
        foreach (var id in _transitions.Values.Where(t => t.KnowledgeBaseId == knowledgeBaseId && (documentId is null || t.DocumentId == documentId)).Select(t => t.DocumentId).ToList())
            _transitions.Remove(id);
    });

    public Task<IndexView> ReadAsync(IReadOnlyCollection<string> knowledgeBaseIds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var transitions = _transitions.Values.Where(t => knowledgeBaseIds.Contains(t.KnowledgeBaseId))
                .Select(t => new IndexTransition
                {
                    DocumentId = t.DocumentId, TenantId = t.TenantId, KnowledgeBaseId = t.KnowledgeBaseId, LiveGeneration = t.LiveGeneration,
                    HiddenGenerations = [.. t.HiddenGenerations], Owner = t.Owner, LeaseExpiresAt = t.LeaseExpiresAt,
                }).ToList();
            return Task.FromResult(new IndexView(Epochs(knowledgeBaseIds), transitions));
        }
    }

    public Task<IReadOnlyDictionary<string, long>> EpochsAsync(IReadOnlyCollection<string> knowledgeBaseIds, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(Epochs(knowledgeBaseIds));
    }

    private IReadOnlyDictionary<string, long> Epochs(IReadOnlyCollection<string> knowledgeBaseIds) =>
        _epochs.Where(e => knowledgeBaseIds.Contains(e.Key)).ToDictionary(e => e.Key, e => e.Value);

    private Task Change(string knowledgeBaseId, Action change)
    {
        lock (_lock)
        {
            change();
            _epochs[knowledgeBaseId] = _epochs.GetValueOrDefault(knowledgeBaseId) + 1;
        }
        Changed?.Invoke(knowledgeBaseId);
        return Task.CompletedTask;
    }
}
