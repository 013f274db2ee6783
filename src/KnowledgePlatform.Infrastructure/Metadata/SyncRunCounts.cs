using KnowledgePlatform.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>A sync run's counts, always derived from its entries, so a resumed run counts every item once (decision 0080).</summary>
internal sealed class SyncRunCounts(Dictionary<SyncOutcome, int> byOutcome)
{
    public static async Task<SyncRunCounts> CountAsync(KnowledgeDbContext db, string runId, CancellationToken ct) =>
        new(await db.SyncEntries.Where(e => e.RunId == runId).GroupBy(e => e.Outcome)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct));

    private int Of(SyncOutcome outcome) => byOutcome.GetValueOrDefault(outcome);

    public int Total => byOutcome.Values.Sum();

    /// <summary>Items read: added, updated or unchanged.</summary>
    public int Read => Of(SyncOutcome.Added) + Of(SyncOutcome.Updated) + Of(SyncOutcome.Unchanged);

    /// <summary>Sets the run's count columns in an ExecuteUpdate.</summary>
    public void Apply(UpdateSettersBuilder<SyncRun> s)
    {
        s.SetProperty(r => r.Discovered, Total)
            .SetProperty(r => r.Processed, Total - Of(SyncOutcome.Pending))
            .SetProperty(r => r.Added, Of(SyncOutcome.Added))
            .SetProperty(r => r.Updated, Of(SyncOutcome.Updated))
            .SetProperty(r => r.Unchanged, Of(SyncOutcome.Unchanged))
            .SetProperty(r => r.Removed, Of(SyncOutcome.Removed))
            .SetProperty(r => r.Failed, Of(SyncOutcome.Failed))
            .SetProperty(r => r.Skipped, Of(SyncOutcome.Skipped) + Of(SyncOutcome.Gone));
    }
}
