using System.Security.Claims;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Policies;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Ingestion.Extraction;
using KnowledgePlatform.Ingestion.Extraction.Ocr;
using KnowledgePlatform.Ingestion.Intake;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api;

/// <summary>
/// What curators do by hand: read a document's chunks, correct (re-embedded and re-indexed at once), disable,
/// enable or delete one, add a question-and-answer pair, and the dashboard of what was asked and not found.
/// </summary>
public static class CurationEndpoints
{
    public static RouteGroupBuilder MapCuration(this RouteGroupBuilder api)
    {
        api.MapGet("/documents/{id}/chunks", Chunks).RequireAuthorization(ApiScopes.Read).WithTags("Documents")
            .WithSummary("The chunks of a document's indexed version, in order, with heading path, location and whether each is enabled");
        api.MapPut("/chunks/{id}", Edit).RequireAuthorization(ApiScopes.Ingest).WithTags("Documents")
            .WithSummary("Correct a chunk's text: redacted per policy, re-embedded and re-indexed at once");
        api.MapPut("/chunks/{id}/enabled", SetEnabled).RequireAuthorization(ApiScopes.Ingest).WithTags("Documents")
            .WithSummary("Disable a chunk (kept, never retrieved, and disabled again when the document is uploaded with the same text) or enable it again");
        api.MapDelete("/chunks/{id}", Remove).RequireAuthorization(ApiScopes.Ingest).WithTags("Documents")
            .WithSummary("Delete a chunk from the indexed version for good (a new upload of the document cuts it again; disable it to keep it out)");
        api.MapPost("/knowledge-bases/{kb}/qa", AddQuestionAnswer).RequireAuthorization(ApiScopes.Ingest).WithTags("Documents")
            .WithSummary("Add a question-and-answer pair by hand; it is ingested like a small document");
        api.MapPatch("/knowledge-bases/{kb}", UpdateKnowledgeBase).RequireAuthorization(ApiScopes.Admin).WithTags("Knowledge bases")
            .WithSummary("Change a knowledge base's description, vertical, strict mode or chunking (new chunking applies to later ingestions)");
        api.MapPost("/documents/{id}/retry", Retry).RequireAuthorization(ApiScopes.Ingest).WithTags("Documents")
            .WithSummary("Ingest a failed document again from its stored file (as its next version)");
        api.MapGet("/dashboard", Dashboard).RequireAuthorization(ApiScopes.Ingest).WithTags("Audit")
            .WithSummary("Knowledge bases, documents by status, questions answered and not found per day, top unanswered questions");
        return api;
    }

    private static ChunkDto ToDto(Chunk c) => new(c.Id, c.DocumentId, c.Version, c.Ordinal, c.Text, c.HeadingPath, c.Page, c.Line, c.Kind, c.TokenCount, !c.Disabled)
    {
        EditedAt = c.EditedAt,
    };

    private static async Task<Document?> FindDocumentAsync(KnowledgeDbContext db, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id && d.TenantId == tenant, ct);
        // A grouped document's chunks are as invisible as the document to a key without its groups (decision 0040).
        return document is not null && user.CanReach(document.KnowledgeBaseId) && user.CanSee(document) ? document : null;
    }

    private static async Task<Results<Ok<List<ChunkDto>>, ProblemHttpResult>> Chunks(string id, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var document = await FindDocumentAsync(db, user, id, ct);
        if (document is null) return ApiProblems.NotFound("document", id);
        var chunks = await db.Chunks.AsNoTracking().Where(c => c.DocumentId == document.Id && c.TenantId == document.TenantId && c.Version == document.IndexedVersion)
            .OrderBy(c => c.Ordinal).ToListAsync(ct);
        return TypedResults.Ok(chunks.Select(ToDto).ToList());
    }

    /// <summary>A chunk of the caller's tenant, in a reachable document, in its indexed version.</summary>
    private static async Task<(Chunk Chunk, Document Document)?> FindChunkAsync(KnowledgeDbContext db, ClaimsPrincipal user, string id, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var chunk = await db.Chunks.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.TenantId == tenant, ct);
        if (chunk is null) return null;
        var document = await FindDocumentAsync(db, user, chunk.DocumentId, ct);
        return document is null || document.IndexedVersion != chunk.Version ? null : (chunk, document);
    }

    private static async Task ReindexAsync(KnowledgeDbContext db, IChunkIndex index, Document document, CancellationToken ct)
    {
        var chunks = await db.Chunks.AsNoTracking().Where(c => c.DocumentId == document.Id && c.Version == document.IndexedVersion).OrderBy(c => c.Ordinal).ToListAsync(ct);
        await index.ReplaceDocumentAsync(new DocumentRef(document.TenantId, document.KnowledgeBaseId, document.Id), IndexedChunk.Of(chunks, document), ct);
        await KnowledgeBaseVersion.BumpAsync(db, document.KnowledgeBaseId, ct);
    }

    private static async Task<Results<Ok<ChunkDto>, ProblemHttpResult>> Edit(
        string id, EditChunkRequest request, ClaimsPrincipal user, KnowledgeDbContext db, EmbeddingModelRegistry models, IChunkIndex index,
        Redactor redactor, ITokenCounter tokens, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var text = request.Text?.Trim() ?? "";
        if (text.Length is 0 or > 20_000) return ApiProblems.Validation("invalid_text", "A chunk needs 1 to 20,000 characters of text.");
        if (await FindChunkAsync(db, user, id, ct) is not var (chunk, document)) return ApiProblems.NotFound("chunk", id);
        var kb = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.Id == chunk.KnowledgeBaseId && k.TenantId == chunk.TenantId, ct);
        // Redacted as its knowledge base's documents are at ingestion: the tenant's policy tightened by the knowledge base's.
        var (redacted, redactions) = redactor.Redact(text, await db.PolicyOfAsync(chunk.TenantId, [kb], ct));
        var model = models.Get(kb.EmbeddingModel);
        var embedding = await model.Generator.GenerateAsync([redacted], cancellationToken: ct);
        var bytes = Chunk.ToBytes(embedding[0].Vector.Span);
        var count = tokens.CountTokens(redacted);
        await db.Chunks.Where(c => c.Id == chunk.Id && c.TenantId == chunk.TenantId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Text, redacted).SetProperty(c => c.Embedding, bytes).SetProperty(c => c.TokenCount, count)
                .SetProperty(c => c.EditedAt, clock.GetUtcNow()), ct);
        await ReindexAsync(db, index, document, ct);
        await audit.RecordAsync(user, "chunk.edited", chunk.Id, new { document = document.Id, redactions }, ct);
        var updated = await db.Chunks.AsNoTracking().SingleAsync(c => c.Id == chunk.Id, ct);
        return TypedResults.Ok(ToDto(updated));
    }

    private static async Task<Results<Ok<ChunkDto>, ProblemHttpResult>> SetEnabled(
        string id, ChunkEnabledRequest request, ClaimsPrincipal user, KnowledgeDbContext db, IChunkIndex index, AuditLog audit, CancellationToken ct)
    {
        if (await FindChunkAsync(db, user, id, ct) is not var (chunk, document)) return ApiProblems.NotFound("chunk", id);
        var disabled = !request.Enabled;
        await db.Chunks.Where(c => c.Id == chunk.Id && c.TenantId == chunk.TenantId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Disabled, disabled), ct);
        await ReindexAsync(db, index, document, ct);
        await audit.RecordAsync(user, disabled ? "chunk.disabled" : "chunk.enabled", chunk.Id, new { document = document.Id }, ct);
        chunk.Disabled = disabled;
        return TypedResults.Ok(ToDto(chunk));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        string id, ClaimsPrincipal user, KnowledgeDbContext db, IChunkIndex index, AuditLog audit, CancellationToken ct)
    {
        if (await FindChunkAsync(db, user, id, ct) is not var (chunk, document)) return ApiProblems.NotFound("chunk", id);
        await db.Chunks.Where(c => c.Id == chunk.Id && c.TenantId == chunk.TenantId).ExecuteDeleteAsync(ct);
        await db.Documents.Where(d => d.Id == document.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.ChunkCount, d => d.ChunkCount - 1), ct);
        await ReindexAsync(db, index, document, ct);
        await audit.RecordAsync(user, "chunk.removed", chunk.Id, new { document = document.Id }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<DocumentDto>, Ok<DocumentDto>, ProblemHttpResult>> AddQuestionAnswer(
        string kb, QuestionAnswerRequest request, ClaimsPrincipal user, KnowledgeDbContext db, DocumentIntake intake, AuditLog audit, CancellationToken ct)
    {
        var question = request.Question?.Trim() ?? "";
        var answer = request.Answer?.Trim() ?? "";
        if (question.Length is 0 or > 1000 || answer.Length is 0 or > 10_000)
            return ApiProblems.Validation("invalid_qa", "A question (1 to 1,000 characters) and an answer (1 to 10,000 characters) are both needed.");
        var found = await db.FindKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);
        // A Q&A pair is a tiny Markdown document: it goes through the same redaction, chunking and indexing as any upload.
        var slug = new string(question.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '-').ToArray()).Trim('-');
        var fileName = $"qa-{(slug.Length > 48 ? slug[..48] : slug)}-{Guid.NewGuid().ToString("N")[..6]}.md";
        await using var content = new MemoryStream(Encoding.UTF8.GetBytes($"# {question}\n\n{answer}\n"));
        try
        {
            var (document, duplicate) = await intake.SubmitAsync(found, fileName, content, ct);
            if (!duplicate) await DocumentEndpoints.RecordUploadAsync(db, audit, user, document, ct);
            var dto = DocumentDto.From(document);
            return duplicate ? TypedResults.Ok(dto) : TypedResults.Accepted(dto.StatusUrl, dto);
        }
        catch (IntakeException ex)
        {
            return ApiProblems.Validation(ex.Code, ex.Message);
        }
    }

    private static async Task<Results<Ok<KnowledgeBaseDto>, ProblemHttpResult>> UpdateKnowledgeBase(
        string kb, UpdateKnowledgeBaseRequest request, ClaimsPrincipal user, KnowledgeDbContext db, EmbeddingModelRegistry models, AuditLog audit, CancellationToken ct)
    {
        var found = await db.FindKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);
        var tracked = await db.KnowledgeBases.SingleAsync(k => k.Id == found.Id && k.TenantId == found.TenantId, ct);
        if (request.Chunking is { } c)
        {
            var maxTokens = models.Contains(tracked.EmbeddingModel) ? models.Get(tracked.EmbeddingModel).Card.MaxTokens : int.MaxValue;
            if (c.MaxTokens < 32 || c.MaxTokens > maxTokens || c.OverlapTokens < 0 || c.OverlapTokens >= c.MaxTokens / 2)
                return ApiProblems.Validation("invalid_chunking", $"Chunking needs 32 ≤ maxTokens ≤ {maxTokens} and 0 ≤ overlapTokens < maxTokens / 2.");
            tracked.Chunking = new ChunkingSettings(c.MaxTokens, c.OverlapTokens);
        }
        if (request.Description is { } description) tracked.Description = description.Trim().Length == 0 ? null : description.Trim();
        if (request.Vertical is { } vertical) tracked.Vertical = vertical;
        if (request.Strict is { } strict) tracked.Strict = strict;
        if (request.OcrLanguages is { } languages)
        {
            languages = languages.Trim();
            if (languages.Length > 0 && OcrOptions.LanguagesProblem(languages) is { } problem) return ApiProblems.Validation("invalid_ocr_languages", problem);
            tracked.OcrLanguages = languages.Length == 0 ? null : languages;
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "knowledge_base.updated", tracked.Id, new { request.Vertical, request.Strict, request.Chunking, request.OcrLanguages }, ct);
        var count = await db.Documents.CountAsync(d => d.KnowledgeBaseId == tracked.Id, ct);
        return TypedResults.Ok(KnowledgeBaseDto.From(tracked, count));
    }

    private static async Task<Results<Accepted<DocumentDto>, ProblemHttpResult>> Retry(
        string id, ClaimsPrincipal user, KnowledgeDbContext db, IFileStore files, DocumentIntake intake, AuditLog audit, CancellationToken ct)
    {
        var document = await FindDocumentAsync(db, user, id, ct);
        if (document is null) return ApiProblems.NotFound("document", id);
        if (document.Status != DocumentStatus.Failed)
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "not_failed", $"Only a failed document can be retried; this one is {document.Status.ToString().ToLowerInvariant()}.");
        var kb = await db.FindKnowledgeBaseAsync(user, document.KnowledgeBaseId, ct);
        if (kb is null) return ApiProblems.NotFound("document", id);
        try
        {
            // The same bytes through the normal intake: a failed document with identical content is queued again.
            await using var content = await files.OpenReadAsync(document.StorageKey, ct);
            // A source's document keeps its stable id and name (a URL or a path is no file name to look up by).
            var (queued, _) = document.SourceId is { } sourceId
                ? await intake.SubmitItemAsync(kb, new SourceDocument(document.Id, sourceId, document.FileName, Enum.Parse<FileFormat>(document.Format), document.Groups), content, ct)
                : await intake.SubmitAsync(kb, document.FileName, content, ct);
            await audit.RecordAsync(user, "document.retried", document.Id, new { knowledgeBase = document.KnowledgeBaseId, fileName = document.FileName, version = queued.Version }, ct);
            var dto = DocumentDto.From(queued);
            return TypedResults.Accepted(dto.StatusUrl, dto);
        }
        catch (IntakeException ex)
        {
            return ApiProblems.Validation(ex.Code, ex.Message);
        }
    }

    private static async Task<Ok<DashboardDto>> Dashboard(int? days, ClaimsPrincipal user, KnowledgeDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var span = Math.Clamp(days ?? 7, 1, 90);
        var since = clock.GetUtcNow().AddDays(-span);
        var kbIds = (await db.KnowledgeBases.AsNoTracking().Where(k => k.TenantId == tenant).Select(k => k.Id).ToListAsync(ct)).Where(user.CanReach).ToList();
        var byStatus = await db.Documents.AsNoTracking().Where(d => d.TenantId == tenant && kbIds.Contains(d.KnowledgeBaseId))
            .GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var asks = await db.AuditRecords.AsNoTracking().Where(a => a.TenantId == tenant && AnswerActions.Contains(a.Action) && a.At >= since)
            .OrderByDescending(a => a.At).Take(10_000).ToListAsync(ct);
        var parsed = asks.Select(a => (a.At, Question: Read(a.Detail, "question"), Answered: IsAnswered(a.Detail))).ToList();
        var activity = Enumerable.Range(0, span).Select(i => DateOnly.FromDateTime(clock.GetUtcNow().AddDays(-span + 1 + i).UtcDateTime))
            .Select(day => new DayActivity(day,
                parsed.Count(p => DateOnly.FromDateTime(p.At.UtcDateTime) == day && p.Answered),
                parsed.Count(p => DateOnly.FromDateTime(p.At.UtcDateTime) == day && !p.Answered)))
            .ToList();
        var unanswered = parsed.Where(p => !p.Answered && !string.IsNullOrWhiteSpace(p.Question))
            .GroupBy(p => p.Question!.Trim(), StringComparer.OrdinalIgnoreCase)
            .Select(g => new UnansweredQuestion(g.Key, g.Count(), g.Max(p => p.At)))
            .OrderByDescending(q => q.Count).ThenByDescending(q => q.LastAsked).Take(10).ToList();
        var feedback = await db.Feedback.AsNoTracking().Where(f => f.TenantId == tenant && f.CreatedAt >= since)
            .OrderByDescending(f => f.CreatedAt).Take(10_000).ToListAsync(ct);
        return TypedResults.Ok(new DashboardDto(kbIds.Count, byStatus.ToDictionary(s => s.Key.ToString().ToLowerInvariant(), s => s.Count),
            parsed.Count, parsed.Count(p => p.Answered), parsed.Count(p => !p.Answered), activity, unanswered)
        {
            Helpful = feedback.Count(f => f.Rating > 0),
            NotHelpful = feedback.Count(f => f.Rating < 0),
            RecentComments = feedback.Where(f => !string.IsNullOrWhiteSpace(f.Comment)).Take(5)
                .Select(f => new FeedbackComment(f.Rating > 0 ? "up" : "down", f.Comment!, f.Channel, f.CreatedAt)).ToList(),
        });
    }

    /// <summary>The audited actions of every answer channel: the REST ask (also widget and portal), clinical answers and chat completions.</summary>
    private static readonly string[] AnswerActions = ["ask", "answer", "chat.completion"];

    private static string? Read(string? detail, string property)
    {
        if (detail is null) return null;
        using var json = JsonDocument.Parse(detail);
        return json.RootElement.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    /// <summary>The audited answer status (a number or a name) is Answered.</summary>
    private static bool IsAnswered(string? detail)
    {
        if (detail is null) return false;
        using var json = JsonDocument.Parse(detail);
        if (!json.RootElement.TryGetProperty("status", out var status)) return false;
        return status.ValueKind switch
        {
            JsonValueKind.Number => status.GetInt32() == (int)Rag.Answering.AnswerStatus.Answered,
            JsonValueKind.String => string.Equals(status.GetString(), nameof(Rag.Answering.AnswerStatus.Answered), StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }
}
