using System.Security.Claims;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Rag.Retrieval;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Api;

/// <summary>Search across knowledge bases, a knowledge base's retrieval settings, and the metadata searches filter on.</summary>
public static class RetrievalEndpoints
{
    public static RouteGroupBuilder MapRetrieval(this RouteGroupBuilder api)
    {
        api.MapPost("/search", SearchMany).RequireAuthorization(ApiScopes.Read).WithTags("Questions")
            .WithSummary("Hybrid search over several of the tenant's knowledge bases at once");
        var kb = api.MapGroup("/knowledge-bases/{kb}").WithTags("Knowledge bases");
        kb.MapGet("/retrieval", GetSettings).RequireAuthorization(ApiScopes.Read).WithSummary("The knowledge base's retrieval settings: set and effective");
        kb.MapPut("/retrieval", PutSettings).RequireAuthorization(ApiScopes.Admin).WithSummary("Set the knowledge base's fusion, weights and neighbour expansion (null: server default)");
        api.MapPatch("/documents/{id}/metadata", PatchMetadata).RequireAuthorization(ApiScopes.Ingest).WithTags("Documents")
            .WithSummary("Set a document's tags or effective date; its chunks are re-indexed, not re-embedded");
        return api;
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchMany(
        MultiSearchRequest request, ClaimsPrincipal user, KnowledgeDbContext db, Retriever retriever, PolicyEnforcer enforcer, AuditLog audit, CancellationToken ct)
    {
        if (QuestionEndpoints.Invalid(request.Query, "query") is { } problem) return problem;
        if (request.Top is < 1 or > 100) return ApiProblems.Validation("invalid_top", "top must be between 1 and 100.");
        if (request.KnowledgeBases is not { Count: > 0 and <= 20 })
            return ApiProblems.Validation("invalid_knowledge_bases", "Name 1 to 20 knowledge bases.");
        var kbs = new List<Core.Domain.KnowledgeBase>();
        foreach (var name in request.KnowledgeBases.Distinct())
        {
            // Another tenant's knowledge base is as unknown as a missing one.
            var found = await db.FindReadableKnowledgeBaseAsync(user, name, ct);
            if (found is null) return ApiProblems.NotFound("knowledge base", name);
            kbs.Add(found);
        }
        if (kbs.Select(k => k.EmbeddingModel).Distinct().Count() > 1)
            return ApiProblems.Validation("mixed_embedding_models",
                $"These knowledge bases are embedded with different models ({string.Join(", ", kbs.Select(k => $"{k.Name}: {k.EmbeddingModel}"))}); search them separately.");
        return await QuestionEndpoints.SearchAsync(retriever, QuestionEndpoints.ForKnowledgeBases(user, kbs, request.Query, request.Filter) with { Top = request.Top, Mode = request.Mode },
            kbs, user, db, enforcer, audit, ct);
    }

    private static async Task<Results<Ok<RetrievalSettingsResponse>, ProblemHttpResult>> GetSettings(
        string kb, ClaimsPrincipal user, KnowledgeDbContext db, IOptions<RetrievalOptions> options, CancellationToken ct)
    {
        var found = await db.FindReadableKnowledgeBaseAsync(user, kb, ct);
        return found is null ? ApiProblems.NotFound("knowledge base", kb) : TypedResults.Ok(Response(found, options.Value));
    }

    private static async Task<Results<Ok<RetrievalSettingsResponse>, ProblemHttpResult>> PutSettings(
        string kb, RetrievalSettingsDto request, ClaimsPrincipal user, KnowledgeDbContext db, IOptions<RetrievalOptions> options, AuditLog audit, CancellationToken ct)
    {
        if (request.Problem() is { } problem) return ApiProblems.Validation("invalid_retrieval_settings", problem);
        var tenant = user.TenantId();
        var (found, notWritable) = await db.FindWritableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return notWritable!;
        var tracked = await db.KnowledgeBases.SingleAsync(k => k.Id == found.Id && k.TenantId == tenant, ct);
        tracked.Retrieval = request.ToSettings();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "knowledge_base.retrieval.updated", tracked.Id, request, ct);
        return TypedResults.Ok(Response(tracked, options.Value));
    }

    /// <summary>What the knowledge base sets, and what its searches use: a dense weight it does not set is its own calibrated one.</summary>
    private static RetrievalSettingsResponse Response(Core.Domain.KnowledgeBase kb, RetrievalOptions options) =>
        new(RetrievalSettingsDto.From(kb.Retrieval), RetrievalSettingsDto.From(options.Resolve(kb.SearchSettings)));

    private static async Task<Results<Ok<DocumentMetadataDto>, ProblemHttpResult>> PatchMetadata(
        string id, DocumentMetadataRequest request, ClaimsPrincipal user, KnowledgeDbContext db, IChunkIndex index, AuditLog audit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == id && d.TenantId == tenant, ct);
        if (document is null || !user.CanReach(document.KnowledgeBaseId) || !user.CanSee(document)) return ApiProblems.NotFound("document", id);
        if (request.Groups is { } groups)
        {
            var (clean, groupProblem) = AccessGroups.Clean(groups);
            if (clean is null) return ApiProblems.Validation("invalid_groups", groupProblem!);
            // Without the admin scope a caller cannot hide a document from itself.
            if (user.VisibleGroups() is { } mine && clean.Count > 0 && !clean.Any(mine.Contains))
                return ApiProblems.Validation("invalid_groups", "Give the document at least one group you hold, or ask an administrator.");
            document.Groups = clean;
        }
        if (request.Tags is { } tags)
        {
            var clean = tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().ToList();
            if (clean.Count > 50 || clean.Any(t => t.Length > 64 || t.Any(char.IsControl)))
                return ApiProblems.Validation("invalid_tags", "Up to 50 tags of at most 64 characters each.");
            document.Tags = clean;
        }
        if (request.ClearEffectiveDate) document.EffectiveDate = null;
        else if (request.EffectiveDate is { } date) document.EffectiveDate = date;
        await db.SaveChangesAsync(ct);

        // The index carries the metadata with each chunk: re-index the stored chunks (no re-embedding).
        if (document.IndexedVersion is { } version)
        {
            var chunks = await db.Chunks.AsNoTracking().Where(c => c.DocumentId == document.Id && c.Version == version).OrderBy(c => c.Ordinal).ToListAsync(ct);
            await index.ReplaceDocumentAsync(new DocumentRef(tenant, document.KnowledgeBaseId, document.Id), IndexedChunk.Of(chunks, document), ct);
            await KnowledgeBaseVersion.BumpAsync(db, document.KnowledgeBaseId, ct);
        }
        await audit.RecordAsync(user, "document.metadata.updated", document.Id,
            new { knowledgeBase = document.KnowledgeBaseId, fileName = document.FileName, tags = document.Tags, groups = document.Groups, effectiveDate = document.EffectiveDate }, ct);
        return TypedResults.Ok(new DocumentMetadataDto(document.Id, document.Tags, document.EffectiveDate) { Groups = document.Groups });
    }
}
