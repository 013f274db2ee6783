using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>
/// Metadata of every tenant: the same model on SQLite (embedded) and PostgreSQL (production). Each
/// provider has its own subclass so that each keeps its own migrations (decision 0020). It also holds the
/// ASP.NET Core Data Protection key ring, so every replica reads the cookies and tokens the others issue.
/// </summary>
public abstract class KnowledgeDbContext : IdentityDbContext<PortalUser>, IDataProtectionKeyContext
{
    protected KnowledgeDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<KnowledgeBase> KnowledgeBases => Set<KnowledgeBase>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<Chunk> Chunks => Set<Chunk>();
    public DbSet<IngestionJob> IngestionJobs => Set<IngestionJob>();
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<ConversationTurn> ConversationTurns => Set<ConversationTurn>();
    public DbSet<TenantQuota> TenantQuotas => Set<TenantQuota>();
    public DbSet<TokenUsage> TokenUsage => Set<TokenUsage>();
    public DbSet<KnowledgeBaseShare> KnowledgeBaseShares => Set<KnowledgeBaseShare>();

    // Channels (widget, clinical API): see ConfigureChannels.
    public DbSet<AnswerFeedback> Feedback => Set<AnswerFeedback>();
    public DbSet<Handoff> Handoffs => Set<Handoff>();
    public DbSet<WidgetSettings> WidgetSettings => Set<WidgetSettings>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<WebhookMessage> WebhookMessages => Set<WebhookMessage>();
    public DbSet<WebhookSigningSecret> WebhookSigningSecrets => Set<WebhookSigningSecret>();

    /// <summary>The Data Protection key ring shared by every replica (decision 0090).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    // Sources and their sync runs: see SourceModel.
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<SourceItem> SourceItems => Set<SourceItem>();
    public DbSet<SyncRun> SyncRuns => Set<SyncRun>();
    public DbSet<SyncEntry> SyncEntries => Set<SyncEntry>();

    // CDS Hooks (decision 0110): see CdsHooksModel.
    public DbSet<CdsService> CdsServices => Set<CdsService>();
    public DbSet<CdsClient> CdsClients => Set<CdsClient>();
    public DbSet<CdsTokenUse> CdsTokenUses => Set<CdsTokenUse>();
    public DbSet<CdsInvocation> CdsInvocations => Set<CdsInvocation>();
    public DbSet<InboxItem> InboxItems => Set<InboxItem>();

    // Tenant administration (decision 0156): see TenantInvitationModel.
    public DbSet<TenantInvitation> TenantInvitations => Set<TenantInvitation>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        if (Database.IsSqlite())
        {
            // SQLite has no DateTimeOffset type: store UTC ticks so ordering and comparison work in SQL.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    /// <summary>Small value objects are stored as JSON text, the same on SQLite and PostgreSQL.</summary>
    internal static ValueConverter<T, string> Json<T>() => new(
        v => JsonSerializer.Serialize(v, JsonOptions),
        v => JsonSerializer.Deserialize<T>(v, JsonOptions)!);

    internal static ValueComparer<IReadOnlyList<string>?> ListComparer() => new(
        (a, b) => (a == null && b == null) || (a != null && b != null && a.SequenceEqual(b)),
        v => v == null ? 0 : v.Aggregate(17, (h, s) => h * 31 + s.GetHashCode(StringComparison.Ordinal)),
        v => v == null ? null : v.ToList());

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

#pragma warning disable CA1725 // the parameter keeps its name from before the Identity base class
    protected override void OnModelCreating(ModelBuilder modelBuilder)
#pragma warning restore CA1725
    {
        // --- Portal users (ASP.NET Core Identity): the Identity tables plus the user's tenant and groups. ---
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<PortalUser>(e =>
        {
            e.Property(u => u.TenantId).HasMaxLength(64);
            e.Property(u => u.ActiveTenantId).HasMaxLength(64);
            e.Property(u => u.DisplayName).HasMaxLength(200);
            e.HasIndex(u => u.TenantId);
            e.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId);
            e.Property(u => u.Groups).HasConversion(Json<IReadOnlyList<string>>(), ListComparer());
        });
        // --- end of portal users ---

        modelBuilder.Entity<Tenant>(e =>
        {
            e.HasKey(t => t.Id);
            e.Property(t => t.Id).HasMaxLength(64);
            e.Property(t => t.Name).HasMaxLength(200);
            e.Property(t => t.PolicyOverrides).HasConversion(Json<PolicyOverrides?>());
        });

        modelBuilder.Entity<AuditRecord>(e =>
        {
            e.HasKey(a => a.Id);
            e.HasIndex(a => new { a.TenantId, a.At });
            e.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId);
        });

        modelBuilder.Entity<ApiKey>(e =>
        {
            e.HasKey(k => k.Id);
            e.Property(k => k.Hash).HasMaxLength(64);
            e.HasIndex(k => k.Hash).IsUnique();
            e.HasIndex(k => k.TenantId);
            e.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId);
            e.Property(k => k.Scopes).HasConversion(Json<IReadOnlyList<string>>(), ListComparer());
            e.Property(k => k.KnowledgeBaseIds).HasConversion(Json<IReadOnlyList<string>?>(), ListComparer());
            e.Property(k => k.AllowedOrigins).HasConversion(Json<IReadOnlyList<string>?>(), ListComparer());
        });

        modelBuilder.Entity<KnowledgeBase>(e =>
        {
            e.HasKey(k => k.Id);
            e.Property(k => k.Name).HasMaxLength(100);
            e.HasIndex(k => new { k.TenantId, k.Name }).IsUnique();
            e.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId);
            e.ComplexProperty(k => k.Chunking);
            e.ComplexProperty(k => k.Retrieval);
            e.Property(k => k.PolicyOverrides).HasConversion(Json<PolicyOverrides?>());
            e.Property(k => k.EvidenceGate).HasConversion(Json<EvidenceGateCalibration?>());
            e.Property(k => k.Fusion).HasConversion(Json<FusionCalibration?>());
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

        modelBuilder.Entity<Conversation>(e =>
        {
            e.HasKey(c => c.Id);
            e.HasIndex(c => new { c.TenantId, c.UpdatedAt });
            e.Property(c => c.Channel).HasMaxLength(32);
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(c => c.KnowledgeBaseId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ConversationTurn>(e =>
        {
            e.HasKey(t => t.Id);
            e.HasIndex(t => new { t.ConversationId, t.Ordinal }).IsUnique();
            e.HasOne<Conversation>().WithMany().HasForeignKey(t => t.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        ConfigureQuotasAndSharing(modelBuilder);
        ConfigureChannels(modelBuilder);
        SourceModel.Configure(modelBuilder);
        // State replicas share (decisions 0090-0094): rate-limit windows, the webhook outbox, Qdrant's live generations.
        modelBuilder.ApplyConfiguration(new RateLimiting.RateLimitWindowConfiguration());
        modelBuilder.ApplyConfiguration<Indexing.Qdrant.IndexTransition>(new Indexing.Qdrant.IndexTransitionConfiguration());
        modelBuilder.ApplyConfiguration<Indexing.Qdrant.IndexEpoch>(new Indexing.Qdrant.IndexTransitionConfiguration());
        ConfigureWebhooks(modelBuilder);
        CdsHooksModel.Configure(modelBuilder);
        InboxModel.Configure(modelBuilder);
        TenantInvitationModel.Configure(modelBuilder);
    }

    // ---- Access groups, quotas, shared knowledge bases (decisions 0040-0043) ----
    /// <summary>Access groups on keys, tenant quotas and token usage, knowledge bases shared with other tenants.</summary>
    private static void ConfigureQuotasAndSharing(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ApiKey>().Property(k => k.Groups).HasConversion(Json<IReadOnlyList<string>?>(), ListComparer());

        modelBuilder.Entity<TenantQuota>(e =>
        {
            e.HasKey(q => q.TenantId);
            e.HasOne<Tenant>().WithMany().HasForeignKey(q => q.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<TokenUsage>(e =>
        {
            e.HasKey(u => new { u.TenantId, u.Day, u.KeyId });
            e.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<KnowledgeBaseShare>(e =>
        {
            e.HasKey(s => new { s.KnowledgeBaseId, s.TenantId });
            e.HasIndex(s => s.TenantId);
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(s => s.KnowledgeBaseId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    /// <summary>The outside channels' tables: widget feedback and handoffs, widget settings, idempotent replays.</summary>
    private static void ConfigureChannels(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AnswerFeedback>(e =>
        {
            e.HasKey(f => f.Id);
            e.HasIndex(f => new { f.TenantId, f.CreatedAt });
            e.Property(f => f.Comment).HasMaxLength(2000);
            e.HasOne<Tenant>().WithMany().HasForeignKey(f => f.TenantId);
        });

        modelBuilder.Entity<Handoff>(e =>
        {
            e.HasKey(h => h.Id);
            e.HasIndex(h => new { h.TenantId, h.CreatedAt });
            e.Property(h => h.Contact).HasMaxLength(200);
            e.Property(h => h.Message).HasMaxLength(2000);
            e.HasOne<Tenant>().WithMany().HasForeignKey(h => h.TenantId);
        });

        modelBuilder.Entity<WidgetSettings>(e =>
        {
            e.HasKey(w => w.Id);
            e.HasIndex(w => new { w.TenantId, w.ApiKeyId }).IsUnique();
            e.HasOne<Tenant>().WithMany().HasForeignKey(w => w.TenantId);
        });

        modelBuilder.Entity<IdempotencyRecord>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.Key).HasMaxLength(255);
            e.HasIndex(r => new { r.TenantId, r.Key }).IsUnique();
            e.HasIndex(r => r.ExpiresAt);
            e.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId);
        });
    }

    /// <summary>The webhook outbox (decision 0092) and each tenant's signing secret.</summary>
    private static void ConfigureWebhooks(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WebhookMessage>(e =>
        {
            e.HasKey(m => m.Id);
            e.Property(m => m.Event).HasMaxLength(64);
            e.Property(m => m.Url).HasMaxLength(2000);
            e.HasIndex(m => new { m.Status, m.NextAttemptAt });
            e.HasIndex(m => new { m.TenantId, m.CreatedAt });
            e.HasIndex(m => m.SubjectId);
            e.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<WebhookSigningSecret>(e =>
        {
            e.HasKey(s => s.TenantId);
            e.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
