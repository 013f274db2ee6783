using KnowledgePlatform.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>The curator's inbox table: one row per group of unanswered questions, per negative feedback and per handoff.</summary>
internal static class InboxModel
{
    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<InboxItem>(e =>
    {
        e.HasKey(i => i.Id);
        e.Property(i => i.Id).HasMaxLength(64);
        e.Property(i => i.TenantId).HasMaxLength(64);
        e.Property(i => i.KnowledgeBaseId).HasMaxLength(64);
        e.Property(i => i.AssigneeId).HasMaxLength(64);
        e.Property(i => i.Question).HasMaxLength(4000);
        e.Property(i => i.Channel).HasMaxLength(32);
        e.Property(i => i.ConversationId).HasMaxLength(64);
        e.Property(i => i.SourceId).HasMaxLength(64);
        e.Property(i => i.EmbeddingModel).HasMaxLength(200);
        e.Property(i => i.ResolutionDocumentId).HasMaxLength(64);
        e.Property(i => i.Examples).HasConversion(KnowledgeDbContext.Json<IReadOnlyList<string>>(), KnowledgeDbContext.ListComparer()!);
        e.HasIndex(i => new { i.TenantId, i.Status, i.LastSeenAt });
        e.HasIndex(i => new { i.TenantId, i.Kind, i.SourceId });
        e.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(i => i.KnowledgeBaseId).OnDelete(DeleteBehavior.Cascade);
    });
}
