using System.Collections.Concurrent;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>
/// The live generations in the metadata database (decision 0094): a transition row per document being replaced and an
/// epoch per knowledge base, changed in one transaction, so a search on any replica resolves the same state. The rows a
/// search needs are cached per set of knowledge bases and read again only when an epoch moved.
/// </summary>
public sealed class DatabaseLiveGenerations(IServiceScopeFactory scopes, TimeProvider clock) : ILiveGenerations
{
    /// <summary>How long a replace may hold a document before another may take it over (a crashed worker's).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<string, IndexView> _cache = new();

    public async Task BeginAsync(DocumentRef document, string generation, CancellationToken cancellationToken)
    {
        while (true)
        {
            var taken = await ChangeAsync(document.KnowledgeBaseId, async (db, ct) =>
            {
                var now = clock.GetUtcNow();
                var row = await db.Set<IndexTransition>().FirstOrDefaultAsync(t => t.DocumentId == document.DocumentId, ct);
                if (row is null)
                {
                    db.Add(new IndexTransition
                    {
                        DocumentId = document.DocumentId, TenantId = document.TenantId, KnowledgeBaseId = document.KnowledgeBaseId,
                        HiddenGenerations = [generation], Owner = _owner, LeaseExpiresAt = now + Lease,
                    });
                    return true;
                }
                if (row.LeaseExpiresAt > now && row.Owner != _owner) return false;
                // Taken over from a replace that failed or died: its unpublished points stay hidden with ours.
                if (row.LiveGeneration is null) row.HiddenGenerations = [.. row.HiddenGenerations, generation];
                (row.Owner, row.LeaseExpiresAt) = (_owner, now + Lease);
                return true;
            }, cancellationToken);
            if (taken) return;
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    public Task PublishAsync(DocumentRef document, string generation, CancellationToken cancellationToken) =>
        ChangeAsync(document.KnowledgeBaseId, async (db, ct) =>
        {
            var row = await db.Set<IndexTransition>().FirstOrDefaultAsync(t => t.DocumentId == document.DocumentId, ct);
            if (row is null) return false; // the document was deleted meanwhile
            (row.LiveGeneration, row.HiddenGenerations) = (generation, []);
            return true;
        }, cancellationToken);

    public Task EndAsync(DocumentRef document, CancellationToken cancellationToken) =>
        ChangeAsync(document.KnowledgeBaseId, async (db, ct) =>
            await db.Set<IndexTransition>().Where(t => t.DocumentId == document.DocumentId).ExecuteDeleteAsync(ct) > 0, cancellationToken);

    public async Task ReleaseAsync(DocumentRef document, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var now = clock.GetUtcNow();
        await db.Set<IndexTransition>().Where(t => t.DocumentId == document.DocumentId && t.Owner == _owner)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseExpiresAt, now), cancellationToken);
    }

    public Task ForgetAsync(string tenantId, string knowledgeBaseId, string? documentId, CancellationToken cancellationToken) =>
        ChangeAsync(knowledgeBaseId, async (db, ct) => await db.Set<IndexTransition>()
            .Where(t => t.TenantId == tenantId && t.KnowledgeBaseId == knowledgeBaseId && (documentId == null || t.DocumentId == documentId))
            .ExecuteDeleteAsync(ct) > 0, cancellationToken);

    public async Task<IndexView> ReadAsync(IReadOnlyCollection<string> knowledgeBaseIds, CancellationToken cancellationToken)
    {
        var epochs = await EpochsAsync(knowledgeBaseIds, cancellationToken);
        var key = string.Join(',', knowledgeBaseIds.Order(StringComparer.Ordinal));
        if (_cache.TryGetValue(key, out var cached) && cached.SameEpochs(epochs)) return cached;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var transitions = await db.Set<IndexTransition>().AsNoTracking().Where(t => knowledgeBaseIds.Contains(t.KnowledgeBaseId)).ToListAsync(cancellationToken);
        var view = new IndexView(epochs, transitions);
        if (_cache.Count > 10_000) _cache.Clear();
        _cache[key] = view;
        return view;
    }

    public async Task<IReadOnlyDictionary<string, long>> EpochsAsync(IReadOnlyCollection<string> knowledgeBaseIds, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        return await db.Set<IndexEpoch>().AsNoTracking().Where(e => knowledgeBaseIds.Contains(e.KnowledgeBaseId))
            .ToDictionaryAsync(e => e.KnowledgeBaseId, e => e.Epoch, cancellationToken);
    }

    /// <summary>
    /// Runs a change of the knowledge base's transitions and, when it changed something, moves its epoch, in one
    /// transaction (inside the provider's retry strategy); a conflicting insert of another replica runs it again.
    /// </summary>
    private async Task<bool> ChangeAsync(string knowledgeBaseId, Func<KnowledgeDbContext, CancellationToken, Task<bool>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
            try
            {
                return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
                {
                    await using var tx = await db.Database.BeginTransactionAsync(ct);
                    var changed = await change(db, ct);
                    if (changed)
                    {
                        if (await db.Set<IndexEpoch>().Where(e => e.KnowledgeBaseId == knowledgeBaseId)
                                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Epoch, e => e.Epoch + 1), ct) == 0)
                            db.Add(new IndexEpoch { KnowledgeBaseId = knowledgeBaseId, Epoch = 1 });
                        await db.SaveChangesAsync(ct);
                    }
                    await tx.CommitAsync(ct);
                    return changed;
                }, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Another replica inserted the same transition or epoch row first: read again and decide again.
            }
        }
    }
}
