using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Indexing;
using KnowledgePlatform.Infrastructure.Indexing.Qdrant;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Infrastructure.Maintenance;

/// <summary>
/// <c>kp doctor</c> (decision 0095): checks that the metadata database, the chunk index and the stored files agree, per
/// knowledge base, and repairs what it can. The database is the source of truth: an index that drifted is rebuilt from
/// it (no re-embedding), index entries of knowledge bases that no longer exist are dropped, a ready document without
/// chunks is queued for ingestion again, files no document owns and half-written uploads are deleted, a Qdrant
/// replace left unfinished is redone. A document whose original file is missing is reported: nothing can restore it.
/// </summary>
public sealed class StorageDoctor(KnowledgeDbContext db, IChunkIndex index, ChunkIndexRebuilder rebuilder, IOptions<StorageOptions> storage, TimeProvider clock)
{
    private readonly List<DoctorFinding> _findings = [];

    public async Task<DoctorReport> ExamineAsync(bool repair, CancellationToken ct)
    {
        _findings.Clear();
        var health = await CheckIndexAsync(repair, ct);
        await CheckDocumentsAsync(repair, ct);
        CheckFiles(repair, await db.Documents.AsNoTracking().ToListAsync(ct));
        if (storage.Value.IsQdrant) await CheckUnfinishedReplacesAsync(repair, ct);
        return new DoctorReport(health, [.. _findings]);
    }

    private void Found(string check, string? kb, string detail, bool repaired) => _findings.Add(new DoctorFinding(check, kb, detail, repaired));

    /// <summary>Chunks the index must hold per knowledge base: the enabled chunks of every document's indexed version.</summary>
    private async Task<Dictionary<string, long>> ExpectedChunksAsync(CancellationToken ct) =>
        await db.Chunks.AsNoTracking().Where(c => !c.Disabled)
            .Join(db.Documents, c => new { c.DocumentId, Version = (int?)c.Version }, d => new { DocumentId = d.Id, Version = d.IndexedVersion }, (c, d) => c.KnowledgeBaseId)
            .GroupBy(kb => kb).Select(g => new { g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    private async Task<List<KnowledgeBaseHealth>> CheckIndexAsync(bool repair, CancellationToken ct)
    {
        var expected = await ExpectedChunksAsync(ct);
        var ready = await db.Documents.AsNoTracking().Where(d => d.Status == DocumentStatus.Ready).GroupBy(d => d.KnowledgeBaseId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var embedded = index as EmbeddedChunkIndex;
        var vectors = embedded?.Inventory().Vectors;
        var health = new List<KnowledgeBaseHealth>();
        foreach (var kb in await db.KnowledgeBases.AsNoTracking().OrderBy(k => k.TenantId).ThenBy(k => k.Name).ToListAsync(ct))
        {
            var want = expected.GetValueOrDefault(kb.Id);
            var rows = await index.CountAsync(new ChunkFilter(kb.TenantId, [kb.Id]), ct);
            var vectorCount = vectors is null ? rows : vectors.GetValueOrDefault(kb.Id);
            if (rows != want || vectorCount != want)
            {
                var detail = $"the index holds {rows} chunks{(vectors is null ? "" : $" and {vectorCount} vectors")}, the database {want}";
                if (repair)
                {
                    if (embedded is not null)
                    {
                        embedded.Reset(kb.Id);
                        await rebuilder.ReindexEmptiedAsync(embedded, kb.Id, ct);
                    }
                    else
                    {
                        await index.DeleteKnowledgeBaseAsync(kb.TenantId, kb.Id, ct);
                        await rebuilder.ReindexAsync(index, kb.Id, ct);
                    }
                    rows = await index.CountAsync(new ChunkFilter(kb.TenantId, [kb.Id]), ct);
                }
                Found("index", kb.Id, detail + (repair ? $"; rebuilt from the database: {rows}" : ""), repair && rows == want);
            }
            health.Add(new KnowledgeBaseHealth(kb.TenantId, kb.Id, kb.Name, ready.GetValueOrDefault(kb.Id), want, rows));
        }
        if (embedded is not null)
        {
            var known = health.Select(h => h.KnowledgeBaseId).ToHashSet(StringComparer.Ordinal);
            foreach (var orphan in embedded.Inventory().Rows.Keys.Where(kb => !known.Contains(kb)))
            {
                if (repair) embedded.Reset(orphan);
                Found("orphans", orphan, "the index holds chunks of a knowledge base the database does not have" + (repair ? "; dropped" : ""), repair);
            }
            embedded.Flush();
        }
        return health;
    }

    /// <summary>A ready document must have the chunks its indexed version was cut into.</summary>
    private async Task CheckDocumentsAsync(bool repair, CancellationToken ct)
    {
        var stored = await db.Chunks.AsNoTracking()
            .Join(db.Documents, c => new { c.DocumentId, Version = (int?)c.Version }, d => new { DocumentId = d.Id, Version = d.IndexedVersion }, (c, d) => c.DocumentId)
            .GroupBy(d => d).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var ready = await db.Documents.Where(d => d.Status == DocumentStatus.Ready).ToListAsync(ct);
        foreach (var document in ready.Where(d => d.IndexedVersion is null || stored.GetValueOrDefault(d.Id) != d.ChunkCount || d.ChunkCount == 0))
        {
            var detail = $"{document.FileName} ({document.Id}) is ready with {stored.GetValueOrDefault(document.Id)} stored chunks, {document.ChunkCount} expected";
            if (repair)
            {
                document.Status = DocumentStatus.Queued;
                document.UpdatedAt = clock.GetUtcNow();
                db.IngestionJobs.Add(new IngestionJob { Id = Ids.New("job"), TenantId = document.TenantId, DocumentId = document.Id, DocumentVersion = document.Version });
                await db.SaveChangesAsync(ct);
            }
            Found("chunks", document.KnowledgeBaseId, detail + (repair ? "; queued for ingestion again from its stored file" : ""), repair);
        }
    }

    /// <summary>Every document's files exist; every file belongs to a document; no upload was left half written.</summary>
    private void CheckFiles(bool repair, List<Document> documents)
    {
        var root = Path.Combine(storage.Value.FullDataPath, "files");
        foreach (var document in documents)
        {
            foreach (var key in EmbeddedBackup.FileKeysOf(document).Where(k => !File.Exists(Path.Combine(root, k))))
                Found("files", document.KnowledgeBaseId, $"{document.FileName} ({document.Id}): its original {key} is missing and cannot be restored; upload it again", false);
        }
        if (!Directory.Exists(root)) return;
        var owned = documents.Select(d => Path.GetFullPath(Path.Combine(root, FileKeys.Document(d.TenantId, d.KnowledgeBaseId, d.Id)))).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(root).SelectMany(Directory.EnumerateDirectories).SelectMany(Directory.EnumerateDirectories)
                     .Where(f => !owned.Contains(Path.GetFullPath(f))).ToList())
        {
            if (repair) Directory.Delete(folder, recursive: true);
            Found("files", null, $"{Path.GetRelativePath(root, folder)} belongs to no document" + (repair ? "; deleted" : ""), repair);
        }
        foreach (var partial in Directory.EnumerateFiles(root, "*.partial", SearchOption.AllDirectories).ToList())
        {
            if (repair) File.Delete(partial);
            Found("files", null, $"{Path.GetRelativePath(root, partial)} is an upload left half written" + (repair ? "; deleted" : ""), repair);
        }
    }

    /// <summary>A Qdrant replace whose lease ran out (a crashed worker's) is redone from the database: one generation again.</summary>
    private async Task CheckUnfinishedReplacesAsync(bool repair, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var unfinished = (await db.Set<IndexTransition>().AsNoTracking().ToListAsync(ct)).Where(t => t.LeaseExpiresAt < now).ToList();
        foreach (var t in unfinished)
        {
            var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == t.DocumentId, ct);
            if (repair)
            {
                var reference = new DocumentRef(t.TenantId, t.KnowledgeBaseId, t.DocumentId);
                if (document?.IndexedVersion is { } version)
                {
                    var chunks = await db.Chunks.AsNoTracking().Where(c => c.DocumentId == document.Id && c.Version == version).OrderBy(c => c.Ordinal).ToListAsync(ct);
                    await index.ReplaceDocumentAsync(reference, IndexedChunk.Of(chunks, document), ct);
                }
                else await index.DeleteDocumentAsync(reference, ct);
            }
            Found("replaces", t.KnowledgeBaseId, $"document {t.DocumentId} has a Qdrant replace left unfinished" + (repair ? "; redone from the database" : ""), repair);
        }
    }
}
