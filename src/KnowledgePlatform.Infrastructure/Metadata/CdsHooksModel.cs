using KnowledgePlatform.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>The CDS Hooks tables (decision 0110): services per knowledge base, trusted EHR clients, used token ids, invocations.</summary>
internal static class CdsHooksModel
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CdsService>(e =>
        {
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasMaxLength(64);
            e.Property(s => s.TenantId).HasMaxLength(64);
            e.Property(s => s.ServiceId).HasMaxLength(100);
            e.Property(s => s.KnowledgeBaseId).HasMaxLength(64);
            e.Property(s => s.Hook).HasMaxLength(64);
            e.Property(s => s.Title).HasMaxLength(200);
            e.Property(s => s.Description).HasMaxLength(1000);
            e.HasIndex(s => new { s.TenantId, s.ServiceId }).IsUnique();
            e.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(s => s.KnowledgeBaseId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<CdsClient>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).HasMaxLength(64);
            e.Property(c => c.TenantId).HasMaxLength(64);
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Issuer).HasMaxLength(500);
            e.Property(c => c.ClientId).HasMaxLength(200);
            e.Property(c => c.JwksUrl).HasMaxLength(2000);
            e.Property(c => c.Jwks).HasMaxLength(20000);
            e.HasIndex(c => c.Issuer);
            e.HasIndex(c => new { c.TenantId, c.Issuer, c.ClientId }).IsUnique();
            e.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<CdsTokenUse>(e =>
        {
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).HasMaxLength(64);
            e.Property(t => t.TenantId).HasMaxLength(64);
            e.HasIndex(t => t.ExpiresAt);
            e.HasOne<Tenant>().WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<CdsInvocation>(e =>
        {
            e.HasKey(i => i.Id);
            e.Property(i => i.Id).HasMaxLength(64);
            e.Property(i => i.TenantId).HasMaxLength(64);
            e.Property(i => i.ServiceId).HasMaxLength(100);
            e.Property(i => i.KnowledgeBaseId).HasMaxLength(64);
            e.Property(i => i.Hook).HasMaxLength(64);
            e.Property(i => i.HookInstance).HasMaxLength(100);
            e.Property(i => i.Actor).HasMaxLength(100);
            e.Property(i => i.Notes).HasMaxLength(4000);
            e.HasIndex(i => new { i.TenantId, i.At });
            e.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
