using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>
/// A document whose points in Qdrant are being replaced (decision 0094). Every replace writes its points under a new
/// generation; while this row exists, searches see only <see cref="LiveGeneration"/> of the document when it is set,
/// and otherwise everything but the <see cref="HiddenGenerations"/> (the new points, not yet published). Without a row
/// a document has one generation in Qdrant and needs no clause at all.
/// </summary>
public sealed class IndexTransition
{
    public required string DocumentId { get; init; }
    public required string TenantId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    public string? LiveGeneration { get; set; }
    public List<string> HiddenGenerations { get; set; } = [];
    /// <summary>The process replacing the document; another waits for it or, once the lease ended, takes over.</summary>
    public required string Owner { get; set; }
    public DateTimeOffset LeaseExpiresAt { get; set; }
}

internal sealed class IndexTransitionConfiguration : IEntityTypeConfiguration<IndexTransition>, IEntityTypeConfiguration<IndexEpoch>
{
    public void Configure(EntityTypeBuilder<IndexTransition> e)
    {
        e.HasKey(t => t.DocumentId);
        e.HasIndex(t => t.KnowledgeBaseId);
        e.Property(t => t.HiddenGenerations).HasConversion(
            v => string.Join(',', v),
            v => v.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList(),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<List<string>>((a, b) => a!.SequenceEqual(b!), v => v.Count, v => v.ToList()));
    }

    public void Configure(EntityTypeBuilder<IndexEpoch> e) => e.HasKey(x => x.KnowledgeBaseId);
}
