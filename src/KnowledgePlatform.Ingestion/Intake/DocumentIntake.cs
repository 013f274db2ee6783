using System.Security.Cryptography;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Ingestion.Intake;

/// <summary>
/// The start of the document journey, shared by the API, the CLI and the demo seeder: check the
/// file (size, type, a quick look inside), store it, and write the document and its job in one
/// transaction. A file with the name of an existing document becomes its next version; identical
/// bytes are recognised and not ingested again. A refused file changes nothing.
/// </summary>
public sealed class DocumentIntake(IFileStore files, IIngestionStore store, IngestionSignal signal, IOptions<IngestionOptions> options, ILogger<DocumentIntake> logger)
{
    public Task<IntakeResult> SubmitAsync(KnowledgeBase knowledgeBase, string fileName, Stream content, CancellationToken cancellationToken) =>
        SubmitAsync(knowledgeBase, fileName, content, groups: null, cancellationToken);

    /// <param name="groups">The document's access groups (decision 0040); null keeps an existing document's groups (a new one has none).</param>
    public Task<IntakeResult> SubmitAsync(KnowledgeBase knowledgeBase, string fileName, Stream content, IReadOnlyList<string>? groups, CancellationToken cancellationToken) =>
        SubmitAsync(knowledgeBase, fileName, content, groups, description: null, cancellationToken);

    /// <param name="description">Tags and effective date, set before the job is queued so the pipeline indexes them (null: keep or none).</param>
    public Task<IntakeResult> SubmitAsync(
        KnowledgeBase knowledgeBase, string fileName, Stream content, IReadOnlyList<string>? groups, DocumentDescription? description, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(fileName);
        return SubmitAsync(knowledgeBase, name, fileName, () => store.FindBySourceAsync(knowledgeBase.TenantId, knowledgeBase.Id, name, cancellationToken),
            Ids.New("doc"), sourceId: null, groups, description, content, cancellationToken);
    }

    /// <summary>
    /// Submits an item of a source (decision 0080): the document has the item's stable id and the item's name
    /// (its URL or path), the format is the one the source read (a web server's Content-Type), and everything
    /// else (checks, versions, identical bytes) is as for an upload.
    /// </summary>
    public Task<IntakeResult> SubmitItemAsync(KnowledgeBase knowledgeBase, SourceDocument item, Stream content, CancellationToken cancellationToken) =>
        SubmitAsync(knowledgeBase, item.Name, "item" + FormatDetector.ExtensionOf(item.Format), () => store.FindAsync(knowledgeBase.TenantId, item.DocumentId, cancellationToken),
            item.DocumentId, item.SourceId, item.Groups, description: null, content, cancellationToken);

    private async Task<IntakeResult> SubmitAsync(
        KnowledgeBase knowledgeBase, string name, string detectAs, Func<Task<Document?>> findExisting, string newId, string? sourceId,
        IReadOnlyList<string>? groups, DocumentDescription? description, Stream content, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxUploadBytes;
        var temp = Path.GetTempFileName();
        try
        {
            await using var buffer = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous);
            var (hash, size) = await CopyBoundedAsync(content, buffer, limit, cancellationToken);
            if (size == 0) throw new IntakeException(IntakeProblem.Empty, "empty_file", "The file is empty.");

            var head = new byte[Math.Min(size, 8192)];
            buffer.Position = 0;
            await buffer.ReadExactlyAsync(head, cancellationToken);
            var format = Detect(detectAs, head);
            buffer.Position = 0;
            await Validate(format, buffer, cancellationToken);

            var existing = await findExisting();
            // Same source, same bytes: nothing to do (a failed one may be retried, though).
            if (existing is not null && existing.ContentHash == hash && existing.Status != DocumentStatus.Failed && (groups is null || groups.SequenceEqual(existing.Groups)))
                return new IntakeResult(existing, Duplicate: true);

            var document = existing ?? new Document
            {
                Id = newId,
                TenantId = knowledgeBase.TenantId,
                KnowledgeBaseId = knowledgeBase.Id,
                FileName = name,
                Format = "",
                SizeBytes = 0,
                ContentHash = "",
                StorageKey = "",
                Version = 0,
                SourceId = sourceId,
            };
            document.Version++;
            if (groups is not null) document.Groups = [.. groups];
            if (description is not null) (document.Tags, document.EffectiveDate) = ([.. description.Tags], description.EffectiveDate);
            document.Format = format.ToString();
            document.SizeBytes = size;
            document.ContentHash = hash;
            document.StorageKey = FileKeys.Version(document, document.Version);
            document.Status = DocumentStatus.Queued;
            document.Step = null;
            document.ProgressPercent = 0;
            document.Error = null;
            document.UpdatedAt = DateTimeOffset.UtcNow;

            buffer.Position = 0;
            await SaveAsync(document.StorageKey, buffer, cancellationToken);
            var job = new IngestionJob { Id = Ids.New("job"), TenantId = document.TenantId, DocumentId = document.Id, DocumentVersion = document.Version };
            if (!await store.EnqueueAsync(document, job, cancellationToken))
            {
                if (existing is null) await files.DeleteFolderAsync(FileKeys.Document(document.TenantId, document.KnowledgeBaseId, document.Id), cancellationToken);
                throw new IntakeException(IntakeProblem.SourceRemoved, "source_removed", "The source of this item was removed meanwhile; the item was not taken in.");
            }
            signal.Notify();
            return new IntakeResult(document, Duplicate: false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Stores the upload. A disk that is full, read-only or broken refuses the upload cleanly before any
    /// database write, so existing documents are untouched and the client may retry later.
    /// </summary>
    private async Task SaveAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        try
        {
            await files.SaveAsync(key, content, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "An upload could not be stored under {Key}; the data folder is full or not writable", key);
            throw new IntakeException(IntakeProblem.StorageUnavailable, "storage_unavailable",
                "The file could not be stored because the server's storage is full or read-only. Nothing was changed; try again later or ask the administrator.");
        }
    }

    private static FileFormat Detect(string fileName, byte[] head)
    {
        FileFormat format;
        try
        {
            format = FormatDetector.Detect(fileName, head);
        }
        catch (ExtractionException ex)
        {
            throw new IntakeException(IntakeProblem.UnsupportedType, ex.Code, ex.Message);
        }
        return format == FileFormat.Unknown
            ? throw new IntakeException(IntakeProblem.UnsupportedType, "unsupported_type",
                $"'{Path.GetExtension(fileName)}' files are not supported. Upload PDF, DOCX, PPTX, HTML, Markdown, plain text, CSV, XLSX or JSON Lines.")
            : format;
    }

    private static async Task Validate(FileFormat format, Stream content, CancellationToken cancellationToken)
    {
        try
        {
            await ExtractorRegistry.ValidateAsync(format, content, cancellationToken);
        }
        catch (ExtractionException ex)
        {
            throw new IntakeException(ex.Code == "empty_file" ? IntakeProblem.Empty : IntakeProblem.InvalidContent, ex.Code, ex.Message);
        }
    }

    private static async Task<(string Hash, long Size)> CopyBoundedAsync(Stream source, Stream target, long limit, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
                throw new IntakeException(IntakeProblem.TooLarge, "file_too_large", $"The file is larger than the limit of {limit / (1024 * 1024.0):0.#} MB.");
            sha.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        return (Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant(), total);
    }
}
