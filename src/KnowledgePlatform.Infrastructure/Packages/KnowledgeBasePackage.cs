// Over 300 lines: export and import are the two directions of one format and share its checks and the all-or-nothing cleanup.
using System.ComponentModel.DataAnnotations;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Infrastructure.Packages;

/// <summary>
/// Export and import of a knowledge base as a portable zip: manifest.json, the documents' original files
/// (documents/N) and chunks.jsonl with text, locations and embeddings. Import creates a new knowledge
/// base in the caller's tenant with new ids, never extracts to disk by entry name, bounds what it
/// decompresses and checks every entry's SHA-256 before it writes anything. An import is all or nothing:
/// when it fails after the knowledge base was created, the knowledge base is removed again, so it can be retried.
/// </summary>
public sealed class KnowledgeBasePackage(KnowledgeDbContext db, IFileStore files, IChunkIndex index, EmbeddingModelRegistry models, PackageOptions options)
{
    public const string FormatName = "knowledgeplatform.kb-package";
    public const int FormatVersion = 1;
    public const string ManifestPath = "manifest.json";
    public const string ChunksPath = "chunks.jsonl";
    private const long MaxManifestBytes = 64L << 20;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = false,
    };

    private static readonly JsonSerializerOptions IndentedJson = new(Json) { WriteIndented = true };

    /// <summary>Writes the knowledge base's indexed documents and chunks as a package to <paramref name="output"/> (seekable or not).</summary>
    public async Task ExportAsync(KnowledgeBase kb, Stream output, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == kb.TenantId, ct);
        var documents = await db.Documents.AsNoTracking()
            .Where(d => d.TenantId == kb.TenantId && d.KnowledgeBaseId == kb.Id && d.IndexedVersion != null)
            .OrderBy(d => d.FileName).ToListAsync(ct);

        await using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var entries = new List<PackageDocument>(documents.Count);
        for (var i = 0; i < documents.Count; i++)
        {
            var d = documents[i];
            var version = d.IndexedVersion!.Value;
            var key = version == d.Version ? d.StorageKey : FileKeys.Version(d, version);
            await using var source = await files.OpenReadAsync(key, ct);
            var file = await WriteEntryAsync(zip, $"documents/{i}", source, ct);
            entries.Add(new PackageDocument(d.Id, d.FileName, d.Format, d.Title, d.Tags, d.EffectiveDate, d.Groups, file));
        }

        using var chunkLines = new MemoryStream();
        var chunkCount = 0;
        foreach (var d in documents)
        {
            var chunks = await db.Chunks.AsNoTracking().Where(c => c.DocumentId == d.Id && c.Version == d.IndexedVersion).OrderBy(c => c.Ordinal).ToListAsync(ct);
            foreach (var c in chunks)
            {
                var line = new PackageChunk(d.Id, c.Ordinal, c.Text, c.HeadingPath, c.Page, c.Line, c.Kind, c.TokenCount, Convert.ToBase64String(c.Embedding), c.Disabled);
                JsonSerializer.Serialize(chunkLines, line, Json);
                chunkLines.WriteByte((byte)'\n');
                chunkCount++;
            }
        }
        chunkLines.Position = 0;
        var chunksFile = await WriteEntryAsync(zip, ChunksPath, chunkLines, ct);

        var manifest = new PackageManifest(
            FormatName, FormatVersion, DateTimeOffset.UtcNow,
            new PackageKnowledgeBase(kb.Name, kb.Description, kb.Vertical, kb.Strict, kb.Chunking, kb.Retrieval),
            new PackageEmbedding(kb.EmbeddingModel, kb.EmbeddingDimension),
            new PackagePolicy(tenant.PolicyTemplate, tenant.PolicyOverrides),
            entries,
            chunksFile);
        await WriteEntryAsync(zip, ManifestPath, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, IndentedJson)), ct);
    }

    private static async Task<PackageFile> WriteEntryAsync(ZipArchive zip, string path, Stream content, CancellationToken ct)
    {
        var (sha256, bytes) = await Files.HashedZipEntry.WriteAsync(zip, path, content, ct);
        return new PackageFile(path, sha256, bytes);
    }

    /// <summary>
    /// Imports a package (a seekable stream) as a new knowledge base of <paramref name="tenantId"/>. Everything is
    /// checked before anything is written: entry names, sizes, hashes, chunk references and embedding sizes.
    /// </summary>
    public async Task<PackageImportResult> ImportAsync(Stream package, string tenantId, string? name, ResubmitDocument resubmit, CancellationToken ct)
    {
        if (package.Length > options.MaxPackageBytes)
            throw new PackageException("package_too_large", $"The package is larger than the limit of {options.MaxPackageBytes} bytes.");
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            throw new PackageException("package_invalid", "The file is not a zip package.");
        }
        using (zip)
        {
            var budget = new UnpackBudget(options.MaxUnpackedBytes);
            var manifest = await ReadManifestAsync(zip, budget, ct);
            await VerifyAsync(zip, manifest, budget, ct);

            name = (name ?? manifest.KnowledgeBase.Name).Trim();
            if (name.Length is 0 or > 100 || name.Any(char.IsControl))
                throw new PackageException("invalid_name", "A knowledge base needs a name of 1 to 100 characters.");
            if (await db.KnowledgeBases.AnyAsync(k => k.TenantId == tenantId && k.Name == name, ct))
                throw new PackageException("name_taken", $"A knowledge base named '{name}' already exists; import it under another name.");

            var reuse = models.Contains(manifest.Embedding.Model) && models.Get(manifest.Embedding.Model).Card.Dimension == manifest.Embedding.Dimension;
            var card = reuse ? models.Get(manifest.Embedding.Model).Card : models.Default.Card;
            var m = manifest.KnowledgeBase;
            var kb = KnowledgeBase.Create(tenantId, name, m.Vertical, card, m.Description);
            kb.Strict = m.Strict;
            kb.Chunking = m.Chunking;
            kb.Retrieval = m.Retrieval;
            db.ChangeTracker.Clear();
            db.KnowledgeBases.Add(kb);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex)
            {
                // Another request created a knowledge base of this name between the check and the insert.
                if (!StorageFailures.IsTransient(ex) && await NameTakenAsync(tenantId, name, ct))
                    throw new PackageException("name_taken", $"A knowledge base named '{name}' already exists; import it under another name.");
                db.ChangeTracker.Clear();
                throw;
            }

            try
            {
                var chunkCount = reuse
                    ? await ImportIndexedAsync(zip, manifest, kb, ct)
                    : await ResubmitAsync(zip, manifest, kb, resubmit, ct);
                return new PackageImportResult(kb, manifest.Documents.Count, chunkCount, !reuse, manifest.Policy);
            }
            catch
            {
                await DiscardAsync(kb, CancellationToken.None);
                throw;
            }
        }
    }

    private async Task<bool> NameTakenAsync(string tenantId, string name, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.KnowledgeBases.AnyAsync(k => k.TenantId == tenantId && k.Name == name, ct);
    }

    /// <summary>
    /// Removes an imported knowledge base again (its documents, jobs and chunks cascade, its index entries and files go
    /// too): what an import that failed half way leaves behind. Retried while the database is busy.
    /// </summary>
    public async Task DiscardAsync(KnowledgeBase kb, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                db.ChangeTracker.Clear();
                await index.DeleteKnowledgeBaseAsync(kb.TenantId, kb.Id, ct);
                await db.KnowledgeBases.Where(k => k.Id == kb.Id && k.TenantId == kb.TenantId).ExecuteDeleteAsync(ct);
                await files.DeleteFolderAsync(FileKeys.KnowledgeBase(kb.TenantId, kb.Id), ct);
                return;
            }
            catch (Exception ex) when (attempt < 10 && (StorageFailures.IsTransient(ex) || ex is IndexUnavailableException))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), ct);
            }
        }
    }

    private static async Task<PackageManifest> ReadManifestAsync(ZipArchive zip, UnpackBudget budget, CancellationToken ct)
    {
        if (zip.Entries.Count > 0 && zip.Entries.FirstOrDefault(e => !IsAllowedName(e.FullName)) is { } odd)
            throw new PackageException("package_invalid", $"The package holds an unexpected entry '{odd.FullName}'; only manifest.json, chunks.jsonl and documents/N are allowed.");
        if (zip.Entries.GroupBy(e => e.FullName).Any(g => g.Count() > 1))
            throw new PackageException("package_invalid", "The package holds the same entry twice.");
        var entry = zip.GetEntry(ManifestPath) ?? throw new PackageException("package_invalid", "The package has no manifest.json.");
        var bytes = await ReadBoundedAsync(entry, budget, MaxManifestBytes, ct);
        PackageManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PackageManifest>(bytes, Json);
        }
        catch (JsonException ex)
        {
            throw new PackageException("package_invalid", $"manifest.json is not valid: {ex.Message}");
        }
        if (manifest is null || manifest.Format != FormatName)
            throw new PackageException("package_invalid", $"manifest.json does not describe a {FormatName}.");
        if (manifest.FormatVersion != FormatVersion)
            throw new PackageException("package_unsupported_version", $"The package is format version {manifest.FormatVersion}; this server reads version {FormatVersion}.");
        if (manifest.Embedding.Dimension is < 1 or > 8192 || manifest.Documents is null || manifest.Chunks is null || manifest.KnowledgeBase?.Chunking is null)
            throw new PackageException("package_invalid", "manifest.json is incomplete.");
        return manifest;
    }

    private static bool IsAllowedName(string name) =>
        name is ManifestPath or ChunksPath
        || (name.StartsWith("documents/", StringComparison.Ordinal) && name.Length is > 10 and < 20 && name.AsSpan(10).IndexOfAnyExceptInRange('0', '9') < 0);

    /// <summary>Every entry's bytes against the manifest's hash, and every chunk line against the manifest's documents and dimension.</summary>
    private async Task VerifyAsync(ZipArchive zip, PackageManifest manifest, UnpackBudget budget, CancellationToken ct)
    {
        if (zip.Entries.Count > options.MaxEntries)
            throw new PackageException("package_too_large", $"The package holds more than {options.MaxEntries} entries.");
        var documentIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in manifest.Documents)
        {
            if (!documentIds.Add(document.Id) || !IsAllowedName(document.File.Path) || document.File.Path is ManifestPath or ChunksPath)
                throw new PackageException("package_invalid", $"The manifest lists document '{document.Id}' with an invalid or repeated entry.");
            await VerifyEntryAsync(zip, document.File, budget, ct);
        }
        if (manifest.Chunks.Path != ChunksPath) throw new PackageException("package_invalid", "The manifest must name chunks.jsonl.");
        await VerifyEntryAsync(zip, manifest.Chunks, budget, ct);

        var seen = new HashSet<(string, int)>();
        await foreach (var chunk in ReadChunksAsync(zip, ct))
        {
            if (!documentIds.Contains(chunk.DocumentId) || !seen.Add((chunk.DocumentId, chunk.Ordinal)) || chunk.Ordinal < 0)
                throw new PackageException("package_invalid", $"chunks.jsonl has a chunk of unknown document '{chunk.DocumentId}' or a repeated ordinal.");
            if (Decode(chunk).Length != manifest.Embedding.Dimension * sizeof(float))
                throw new PackageException("package_invalid", $"A chunk's embedding does not have the manifest's {manifest.Embedding.Dimension} dimensions.");
        }
    }

    private static async Task VerifyEntryAsync(ZipArchive zip, PackageFile file, UnpackBudget budget, CancellationToken ct)
    {
        var entry = zip.GetEntry(file.Path) ?? throw new PackageException("package_invalid", $"The package lacks '{file.Path}' that its manifest lists.");
        await using var stream = new BoundedStream(await entry.OpenAsync(ct), budget, file.Bytes);
        var hash = Convert.ToHexString(await SHA256.HashDataAsync(stream, ct)).ToLowerInvariant();
        if (hash != file.Sha256 || stream.BytesRead != file.Bytes)
            throw new PackageException("package_tampered", $"'{file.Path}' does not match the SHA-256 in the manifest: the package was changed or damaged after export.");
    }

    private static byte[] Decode(PackageChunk chunk)
    {
        try
        {
            return Convert.FromBase64String(chunk.Embedding ?? "");
        }
        catch (FormatException)
        {
            throw new PackageException("package_invalid", "A chunk's embedding is not base64.");
        }
    }

    private static async IAsyncEnumerable<PackageChunk> ReadChunksAsync(ZipArchive zip, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // Already verified against its hash and size, so reading it whole line by line is bounded.
        await using var stream = await zip.GetEntry(ChunksPath)!.OpenAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0) continue;
            PackageChunk? chunk;
            try
            {
                chunk = JsonSerializer.Deserialize<PackageChunk>(line, Json);
            }
            catch (JsonException ex)
            {
                throw new PackageException("package_invalid", $"chunks.jsonl has an invalid line: {ex.Message}");
            }
            if (chunk?.Text is null || chunk.DocumentId is null) throw new PackageException("package_invalid", "chunks.jsonl has an incomplete line.");
            yield return chunk;
        }
    }

    /// <summary>Same model and dimension: documents, files and chunks with their embeddings are written as they are, then indexed.</summary>
    private async Task<int> ImportIndexedAsync(ZipArchive zip, PackageManifest manifest, KnowledgeBase kb, CancellationToken ct)
    {
        var documents = new Dictionary<string, Document>(StringComparer.Ordinal);
        foreach (var p in manifest.Documents)
        {
            var document = new Document
            {
                Id = Ids.New("doc"),
                TenantId = kb.TenantId,
                KnowledgeBaseId = kb.Id,
                FileName = Path.GetFileName(p.FileName),
                Format = p.Format,
                SizeBytes = p.File.Bytes,
                ContentHash = p.File.Sha256,
                StorageKey = "",
                Title = p.Title,
                Tags = [.. p.Tags ?? []],
                EffectiveDate = p.EffectiveDate,
                Groups = [.. p.Groups ?? []],
                IndexedVersion = 1,
                Status = DocumentStatus.Ready,
                ProgressPercent = 100,
            };
            document.StorageKey = FileKeys.Version(document, 1);
            await using (var content = await zip.GetEntry(p.File.Path)!.OpenAsync(ct))
                await files.SaveAsync(document.StorageKey, content, ct);
            documents[p.Id] = document;
        }

        var chunks = documents.Values.ToDictionary(d => d.Id, _ => new List<Chunk>());
        await foreach (var c in ReadChunksAsync(zip, ct))
        {
            var document = documents[c.DocumentId];
            chunks[document.Id].Add(new Chunk
            {
                Id = $"{document.Id}-v1-{c.Ordinal:D5}",
                TenantId = kb.TenantId,
                KnowledgeBaseId = kb.Id,
                DocumentId = document.Id,
                Version = 1,
                Ordinal = c.Ordinal,
                Text = c.Text,
                HeadingPath = c.HeadingPath ?? "",
                Page = c.Page,
                Line = c.Line,
                Kind = c.Kind,
                TokenCount = c.TokenCount,
                Embedding = Decode(c),
                Disabled = c.Disabled,
            });
        }
        foreach (var document in documents.Values)
        {
            document.ChunkCount = chunks[document.Id].Count;
            db.Documents.Add(document);
            db.Chunks.AddRange(chunks[document.Id]);
        }
        await db.SaveChangesAsync(ct);
        foreach (var document in documents.Values)
            await index.ReplaceDocumentAsync(new DocumentRef(kb.TenantId, kb.Id, document.Id), IndexedChunk.Of(chunks[document.Id], document), ct);
        await KnowledgeBaseVersion.BumpAsync(db, kb.Id, ct);
        return chunks.Values.Sum(c => c.Count);
    }

    /// <summary>Another model or dimension: the original files go through the normal pipeline and are embedded again.</summary>
    private async Task<int> ResubmitAsync(ZipArchive zip, PackageManifest manifest, KnowledgeBase kb, ResubmitDocument resubmit, CancellationToken ct)
    {
        foreach (var p in manifest.Documents)
        {
            await using var content = await zip.GetEntry(p.File.Path)!.OpenAsync(ct);
            // The intake wants to look inside the file more than once: give it a seekable copy.
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, ct);
            copy.Position = 0;
            // Tags and date go in with the document: the worker may index it before this request writes anything else.
            await resubmit(kb, Path.GetFileName(p.FileName), copy, p.Groups ?? [], p.Tags ?? [], p.EffectiveDate, ct);
        }
        return 0;
    }

    /// <summary>Bytes decompressed so far across the whole package.</summary>
    private sealed class UnpackBudget(long limit)
    {
        private long _used;

        public void Take(long bytes)
        {
            _used += bytes;
            if (_used > limit)
                throw new PackageException("package_too_large", $"The package decompresses to more than {limit} bytes; it is refused (zip bomb protection).");
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(ZipArchiveEntry entry, UnpackBudget budget, long max, CancellationToken ct)
    {
        await using var stream = new BoundedStream(await entry.OpenAsync(ct), budget, max);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>
    /// A decompressing stream that counts what it really yields (never trusting the zip's declared sizes):
    /// past the entry's expected size (plus one byte, to notice) or the package budget it throws.
    /// </summary>
    private sealed class BoundedStream(Stream inner, UnpackBudget budget, long max) : Stream
    {
        public long BytesRead { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var allowed = (int)Math.Min(buffer.Length, max + 1 - BytesRead);
            if (allowed <= 0) throw new PackageException("package_tampered", "An entry is larger than the manifest says.");
            var n = await inner.ReadAsync(buffer[..allowed], cancellationToken);
            BytesRead += n;
            budget.Take(n);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
