using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Core.Ports;

/// <summary>What reading one entry came to.</summary>
public sealed record ItemOutcome(string RunId, string TenantId, string WorkerId, TimeSpan Lease, long EntryId, SyncOutcome Outcome, string? Reason)
{
    /// <summary>The item as read now (validators, hash, links); null leaves what the source last held as it was.</summary>
    public SourceItem? Item { get; init; }
    public string? DocumentId { get; init; }
    /// <summary>Keys the item led to (a page's links); unknown ones become pending entries.</summary>
    public IReadOnlyList<FrontierEntry> Discovered { get; init; } = [];
    /// <summary>The most entries the run may hold.</summary>
    public int Limit { get; init; } = int.MaxValue;
}
