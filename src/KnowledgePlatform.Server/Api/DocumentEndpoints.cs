using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Ingestion.Intake;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Quotas;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api;

public static class DocumentEndpoints
{
    public static RouteGroupBuilder MapDocuments(this RouteGroupBuilder api)
    {
        var inKb = api.MapGroup("/knowledge-bases/{kb}/documents").WithTags("Documents");
        inKb.MapPost("/", Upload)
            .RequireAuthorization(ApiScopes.Ingest)
            .DisableAntiforgery()
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Upload a document (multipart field 'file'; optional field 'groups': comma-separated access groups); 202 with the URL to follow its ingestion. A file named like an existing document becomes its next version; identical content answers 200 with the existing document.");
        inKb.MapGet("/", List).RequireAuthorization(ApiScopes.Read)
            .WithSummary("List a knowledge base's documents; ?search= (file name or title), ?status=, ?tag=, ?group= narrow the list");

        var docs = api.MapGroup("/documents").WithTags("Documents");
        docs.MapGet("/{id}", Get).RequireAuthorization(ApiScopes.Read).WithSummary("A document's ingestion status");
        docs.MapDelete("/{id}", Delete).RequireAuthorization(ApiScopes.Ingest).WithSummary("Delete a document and remove its chunks from every index");
        return api;
    }

    private static async Task<Results<Accepted<DocumentDto>, Ok<DocumentDto>, ProblemHttpResult>> Upload(
        string kb, HttpRequest request, ClaimsPrincipal user, KnowledgeDbContext db, DocumentIntake intake, QuotaService quotas, AuditLog audit, CancellationToken ct)
    {
        var (found, problem) = await db.FindWritableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return problem!;
        if (!request.HasFormContentType)
            return ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "multipart_required", "Upload the file as multipart/form-data in a field named 'file'.");
        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null);
        if (file is null) return ApiProblems.Validation("file_missing", "The request has no file. Send it in a multipart field named 'file'.");
        List<string>? groups = null;
        if (form.TryGetValue("groups", out var groupField))
        {
            (groups, var groupProblem) = AccessGroups.Clean(groupField.SelectMany(v => (v ?? "").Split(',')));
            if (groups is null) return ApiProblems.Validation("invalid_groups", groupProblem!);
            if (user.VisibleGroups() is { } mine && groups.Count > 0 && !groups.Any(mine.Contains))
                return ApiProblems.Validation("invalid_groups", "Give the document at least one group you hold, or ask an administrator.");
        }
        if (await quotas.CheckStorageAsync(request.HttpContext, file.Length, ct) is { } overQuota) return overQuota;
        // A new version of a document the caller cannot see would overwrite it unseen.
        var name = Path.GetFileName(file.FileName);
        if (await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.TenantId == found.TenantId && d.KnowledgeBaseId == found.Id && d.FileName == name, ct) is { } existing
            && !user.CanSee(existing))
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "name_taken", "A document with this file name exists that this key cannot see; rename the file.");

        try
        {
            await using var content = file.OpenReadStream();
            var (document, duplicate) = await intake.SubmitAsync(found, file.FileName, content, groups, ct);
            if (!duplicate) await RecordUploadAsync(db, audit, user, document, ct);
            var dto = DocumentDto.From(document);
            // The same bytes again: nothing new to ingest, the existing document answers.
            return duplicate ? TypedResults.Ok(dto) : TypedResults.Accepted(dto.StatusUrl, dto);
        }
        catch (IntakeException ex)
        {
            var status = ex.Problem switch
            {
                IntakeProblem.TooLarge => StatusCodes.Status413PayloadTooLarge,
                IntakeProblem.UnsupportedType => StatusCodes.Status415UnsupportedMediaType,
                IntakeProblem.InvalidContent => StatusCodes.Status422UnprocessableEntity,
                IntakeProblem.StorageUnavailable => StatusCodes.Status507InsufficientStorage,
                _ => StatusCodes.Status400BadRequest,
            };
            return ApiProblems.Problem(status, ex.Code, ex.Message);
        }
    }

    /// <summary>Records who uploaded the new version, on the document and in the audit log.</summary>
    internal static async Task RecordUploadAsync(KnowledgeDbContext db, AuditLog audit, ClaimsPrincipal user, Document document, CancellationToken ct)
    {
        var actor = user.Actor();
        await db.Documents.Where(d => d.Id == document.Id && d.TenantId == document.TenantId).ExecuteUpdateAsync(u => u.SetProperty(d => d.UploadedBy, actor), ct);
        document.UploadedBy = actor;
        await audit.RecordAsync(user, "document.uploaded", document.Id,
            new { knowledgeBase = document.KnowledgeBaseId, fileName = document.FileName, version = document.Version, bytes = document.SizeBytes, groups = document.Groups }, ct);
    }

    private static async Task<Results<Ok<List<DocumentDto>>, ProblemHttpResult>> List(
        string kb, string? search, string? status, string? tag, string? group, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var found = await db.FindReadableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);
        DocumentStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<DocumentStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                return ApiProblems.Validation("invalid_status", "status is one of queued, processing, ready, failed.");
            wanted = parsed;
        }
        var documents = await db.Documents.AsNoTracking().Where(d => d.KnowledgeBaseId == found.Id && d.TenantId == found.TenantId)
            .OrderBy(d => d.FileName).ToListAsync(ct);
        var listed = documents.Where(user.CanSee)
            .Where(d => string.IsNullOrWhiteSpace(search) || d.FileName.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
                || (d.Title?.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) ?? false))
            .Where(d => wanted is null || d.Status == wanted)
            .Where(d => string.IsNullOrEmpty(tag) || d.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
            .Where(d => string.IsNullOrEmpty(group) || d.Groups.Contains(group, StringComparer.OrdinalIgnoreCase))
            .ToList();
        var names = await ActorNames.ResolveAsync(db, user.TenantId(), listed.Select(d => d.UploadedBy), ct);
        return TypedResults.Ok(listed.Select(d => Named(d, names)).ToList());
    }

    private static DocumentDto Named(Document d, IReadOnlyDictionary<string, string> names) =>
        DocumentDto.From(d) with { UploadedByName = d.UploadedBy is { } actor ? names.GetValueOrDefault(actor) : null };

    private static async Task<Results<Ok<DocumentDto>, ProblemHttpResult>> Get(string id, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id && d.TenantId == tenant, ct);
        if (document is null || !user.CanReach(document.KnowledgeBaseId) || !user.CanSee(document)) return ApiProblems.NotFound("document", id);
        return TypedResults.Ok(Named(document, await ActorNames.ResolveAsync(db, tenant, [document.UploadedBy], ct)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, ClaimsPrincipal user, KnowledgeDbContext db, IChunkIndex index, IFileStore files, AuditLog audit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id && d.TenantId == tenant, ct);
        if (document is null || !user.CanReach(document.KnowledgeBaseId) || !user.CanSee(document)) return ApiProblems.NotFound("document", id);
        await index.DeleteDocumentAsync(new DocumentRef(tenant, document.KnowledgeBaseId, document.Id), ct);
        await db.Documents.Where(d => d.Id == id && d.TenantId == tenant).ExecuteDeleteAsync(ct);
        await KnowledgeBaseVersion.BumpAsync(db, document.KnowledgeBaseId, ct);
        await files.DeleteFolderAsync(FileKeys.Document(tenant, document.KnowledgeBaseId, document.Id), ct);
        await audit.RecordAsync(user, "document.deleted", document.Id,
            new { knowledgeBase = document.KnowledgeBaseId, fileName = document.FileName, versions = document.Version, chunks = document.ChunkCount }, ct);
        return TypedResults.NoContent();
    }
}
