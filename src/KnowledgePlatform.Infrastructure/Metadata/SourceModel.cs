using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace KnowledgePlatform.Infrastructure.Metadata;

/// <summary>The tables of sources and their sync runs (decision 0080), and the document columns they add.</summary>
internal static class SourceModel
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The filter of the index that allows one queued or running sync per source (quoted the same on SQLite and PostgreSQL).</summary>
    public const string ActiveRunFilter = "\"Status\" IN ('Queued', 'Running')";

    private static ValueConverter<T, string> Json<T>() => new(
        v => JsonSerializer.Serialize(v, JsonOptions),
        v => JsonSerializer.Deserialize<T>(v, JsonOptions)!);

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<KnowledgeBase>().Property(k => k.OcrLanguages).HasMaxLength(200);

        modelBuilder.Entity<Document>(e =>
        {
            e.Property(d => d.SourceId).HasMaxLength(64);
            e.Property(d => d.Recognition).HasConversion(Json<TextRecognition?>());
            // No foreign key: on SQLite adding one would rebuild the documents table. Removing a source clears the
            // column of the documents it keeps itself; its knowledge base's deletion takes both away.
            e.HasIndex(d => d.SourceId);
        });

        modelBuilder.Entity<Source>(e =>
        {
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasMaxLength(64);
            e.Property(s => s.Name).HasMaxLength(100);
            e.Property(s => s.Web).HasConversion(Json<WebSourceSettings?>());
            e.Property(s => s.Folder).HasConversion(Json<FolderSourceSettings?>());
            e.HasIndex(s => new { s.TenantId, s.KnowledgeBaseId });
            e.HasIndex(s => new { s.Paused, s.NextSyncAt });
            e.HasOne<KnowledgeBase>().WithMany().HasForeignKey(s => s.KnowledgeBaseId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SourceItem>(e =>
        {
            e.HasKey(i => new { i.SourceId, i.Key });
            e.HasOne<Source>().WithMany().HasForeignKey(i => i.SourceId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SyncRun>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).HasMaxLength(64);
            e.Property(r => r.Phase).HasMaxLength(32);
            e.HasIndex(r => new { r.Status, r.CreatedAt });
            e.HasIndex(r => new { r.SourceId, r.CreatedAt });
            // At most one queued or running sync per source, whoever queues it (API, schedule, folder watcher).
            e.HasIndex(r => r.SourceId).IsUnique().HasFilter(ActiveRunFilter).HasDatabaseName("IX_SyncRuns_ActivePerSource");
            e.HasOne<Source>().WithMany().HasForeignKey(r => r.SourceId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SyncEntry>(e =>
        {
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.RunId, x.Key }).IsUnique();
            e.HasIndex(x => new { x.RunId, x.Outcome, x.Id });
            e.HasOne<SyncRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
