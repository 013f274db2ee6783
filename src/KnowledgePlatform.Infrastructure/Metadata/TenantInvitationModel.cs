using KnowledgePlatform.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>The tenant's suspension and its one-time invitations (decision 0156).</summary>
internal static class TenantInvitationModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Tenant>().Property(t => t.SuspensionReason).HasMaxLength(500);
        modelBuilder.Entity<TenantInvitation>(e =>
        {
            e.HasKey(i => i.Id);
            e.Property(i => i.Id).HasMaxLength(64);
            e.Property(i => i.TenantId).HasMaxLength(64);
            e.Property(i => i.Email).HasMaxLength(256);
            e.Property(i => i.Role).HasMaxLength(32);
            e.Property(i => i.Hash).HasMaxLength(64);
            e.HasIndex(i => i.Hash).IsUnique();
            e.HasIndex(i => i.TenantId);
            e.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
