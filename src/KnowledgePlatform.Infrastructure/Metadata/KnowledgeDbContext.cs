using KnowledgePlatform.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>Metadata of every tenant: the same model on SQLite (embedded) and PostgreSQL (production).</summary>
public sealed class KnowledgeDbContext(DbContextOptions<KnowledgeDbContext> options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<KnowledgeBase> KnowledgeBases => Set<KnowledgeBase>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<Chunk> Chunks => Set<Chunk>();
    public DbSet<IngestionJob> IngestionJobs => Set<IngestionJob>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        if (Database.IsSqlite())
        {
            // SQLite has no DateTimeOffset type: store UTC ticks so ordering and comparison work in SQL.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Tenant>(e =>
        {
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).HasMaxLength(64);
            e.Property(t => t.Name).HasMaxLength(200);
        });

        modelBuilder.Entity<ApiKey>(e =>
        {
            e.HasKey(k => k.Id);
            e.Property(k => k.Hash).HasMaxLength(64);
            e.HasIndex(k => k.Hash).IsUnique();
            e.HasIndex(k => k.TenantId);
            e.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId);
        });

        modelBuilder.Entity<KnowledgeBase>(e =>
        {
            e.HasKey(k => k.Id);
            e.Property(k => k.Name).HasMaxLength(100);
            e.HasIndex(k => new { k.TenantId, k.Name }).IsUnique();
            e.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId);
            e.ComplexProperty(k => k.Chunking);
            e.ComplexProperty(k => k.Retrieval);
        });

        modelBuilder.Entity<Document>(e =>
        {
            e.HasKey(d => d.Id);
            e.HasIndex(d => new { d.TenantId, d.KnowledgeBaseId, d.Status });
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(d => d.KnowledgeBaseId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Chunk>(e =>
        {
            e.HasKey(c => c.Id);
            e.HasIndex(c => new { c.DocumentId, c.Ordinal });
            e.HasIndex(c => new { c.TenantId, c.KnowledgeBaseId });
            e.HasOne<Document>().WithMany().HasForeignKey(c => c.DocumentId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<IngestionJob>(e =>
        {
            e.HasKey(j => j.Id);
            e.HasIndex(j => new { j.Status, j.NotBefore });
            e.HasOne<Document>().WithMany().HasForeignKey(j => j.DocumentId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
