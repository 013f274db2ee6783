using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace KnowledgePlatform.IntegrationTests;

/// <summary>The ingestion store carries a curator's "disable" to a new version's chunk with the same text (decision 0052).</summary>
public abstract class DisabledChunkCarryOverTests(TestDatabase database) : IAsyncLifetime
{
    public sealed class OnSqlite() : DisabledChunkCarryOverTests(TestDatabase.Sqlite());

    public sealed class OnPostgres(PostgresServer server) : DisabledChunkCarryOverTests(TestDatabase.Postgres(server));

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TestPlatform _platform = new(database);

    public async ValueTask InitializeAsync()
    {
        await _platform.CreateDatabaseAsync(_ct);
        await using var db = database.NewContext();
        await MetadataDatabase.MigrateAsync(db, NullLogger.Instance, _ct);
        db.Tenants.Add(new Tenant { Id = "acme", Name = "Acme" });
        db.KnowledgeBases.Add(new KnowledgeBase { Id = "kb_1", TenantId = "acme", Name = "support", EmbeddingModel = "m", EmbeddingDimension = 4 });
        foreach (var id in new[] { "doc_a", "doc_b" })
            db.Documents.Add(new Document
            {
                Id = id, TenantId = "acme", KnowledgeBaseId = "kb_1", FileName = $"{id}.md", Format = "Markdown",
                SizeBytes = 1, ContentHash = "h", StorageKey = id, Version = 2, IndexedVersion = 1,
            });
        await db.SaveChangesAsync(_ct);
    }

    public ValueTask DisposeAsync() => _platform.DisposeAsync();

    private static Chunk NewChunk(string documentId, int version, int ordinal, string text, bool disabled = false) => new()
    {
        Id = $"{documentId}-v{version}-{ordinal:D5}", TenantId = "acme", KnowledgeBaseId = "kb_1", DocumentId = documentId,
        Version = version, Ordinal = ordinal, Text = text, Embedding = Chunk.ToBytes([1f, 0f, 0f, 0f]), Disabled = disabled,
    };

    private async Task SaveAsync(string documentId, int version, params Chunk[] chunks)
    {
        await using var db = database.NewContext();
        await new EfIngestionStore(db, TimeProvider.System).SaveChunksAsync(documentId, version, null, chunks, _ct);
    }

    private async Task<Dictionary<string, bool>> DisabledByTextAsync(string documentId, int version)
    {
        await using var db = database.NewContext();
        return await db.Chunks.Where(c => c.DocumentId == documentId && c.Version == version).ToDictionaryAsync(c => c.Text, c => c.Disabled, _ct);
    }

    [Fact]
    public async Task A_new_versions_chunk_with_a_disabled_chunks_text_starts_disabled_and_a_resumed_save_gives_the_same()
    {
        await SaveAsync("doc_a", 1, NewChunk("doc_a", 1, 0, "Opening hours: nine to five."), NewChunk("doc_a", 1, 1, "Park in the quokka shed.", disabled: true));
        // Another document's disabled text is not this document's business.
        await SaveAsync("doc_b", 1, NewChunk("doc_b", 1, 0, "Opening hours: nine to five.", disabled: true));

        Chunk[] Version2() =>
        [
            NewChunk("doc_a", 2, 0, "Opening hours: eight to four."),
            NewChunk("doc_a", 2, 1, "Park in the quokka shed."),
            NewChunk("doc_a", 2, 2, "Opening hours: nine to five."),
        ];
        var saved = Version2();
        await SaveAsync("doc_a", 2, saved);
        Assert.Equal([false, true, false], saved.Select(c => c.Disabled));

        // A resumed job saves its version again: the rows are replaced and the older version still decides.
        await SaveAsync("doc_a", 2, Version2());
        var stored = await DisabledByTextAsync("doc_a", 2);
        Assert.Equal(3, stored.Count);
        Assert.True(stored["Park in the quokka shed."]);
        Assert.False(stored["Opening hours: eight to four."]);
        Assert.False(stored["Opening hours: nine to five."]);
    }
}
