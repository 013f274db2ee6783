using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using System.Security.Claims;

namespace KnowledgePlatform.Server.Api;

public static class KnowledgeBaseEndpoints
{
    public static RouteGroupBuilder MapKnowledgeBases(this RouteGroupBuilder api)
    {
        var kbs = api.MapGroup("/knowledge-bases").WithTags("Knowledge bases");
        kbs.MapPost("/", Create).RequireAuthorization(ApiScopes.Admin).WithSummary("Create a knowledge base");
        kbs.MapGet("/", List).RequireAuthorization(ApiScopes.Read).WithSummary("List the tenant's knowledge bases");
        kbs.MapGet("/{kb}", Get).RequireAuthorization(ApiScopes.Read).WithSummary("Get a knowledge base by id or name");
        kbs.MapDelete("/{kb}", Delete).RequireAuthorization(ApiScopes.Admin).WithSummary("Delete a knowledge base, its documents and every indexed chunk");
        return api;
    }

    private static async Task<Results<Created<KnowledgeBaseDto>, ProblemHttpResult>> Create(
        CreateKnowledgeBaseRequest request, ClaimsPrincipal user, KnowledgeDbContext db, EmbeddingModelRegistry models, AuditLog audit, CancellationToken ct)
    {
        if (request.EmbeddingModel is { } named && !models.Contains(named))
            return ApiProblems.Validation("unknown_embedding_model", $"No embedding model '{named}' is configured; configured: {string.Join(", ", models.Cards.Select(c => c.Name))}.");
        var model = models.Get(request.EmbeddingModel).Card;
        var tenant = user.TenantId();
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
            return ApiProblems.Validation("invalid_name", "A knowledge base needs a name of 1 to 100 characters.");
        if (await db.KnowledgeBases.AnyAsync(k => k.TenantId == tenant && k.Name == name, ct))
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "name_taken", $"A knowledge base named '{name}' already exists.");
        var kb = KnowledgeBase.Create(tenant, name, request.Vertical, model, request.Description);
        if (request.Strict is { } strict) kb.Strict = strict;
        if (request.Chunking is { } c)
        {
            if (c.MaxTokens < 32 || c.MaxTokens > model.MaxTokens || c.OverlapTokens < 0 || c.OverlapTokens >= c.MaxTokens / 2)
                return ApiProblems.Validation("invalid_chunking",
                    $"Chunking needs 32 ≤ maxTokens ≤ {model.MaxTokens} and 0 ≤ overlapTokens < maxTokens / 2.");
            kb.Chunking = new ChunkingSettings(c.MaxTokens, c.OverlapTokens);
        }
        db.KnowledgeBases.Add(kb);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "knowledge_base.created", kb.Id,
            new { kb.Name, vertical = kb.Vertical.ToString(), kb.Strict, kb.EmbeddingModel, chunking = new { kb.Chunking.MaxTokens, kb.Chunking.OverlapTokens } }, ct);
        return TypedResults.Created($"/api/v1/knowledge-bases/{kb.Id}", KnowledgeBaseDto.From(kb, 0));
    }

    private static async Task<Ok<List<KnowledgeBaseDto>>> List(ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var kbs = (await db.KnowledgeBases.AsNoTracking().Where(k => k.TenantId == tenant).OrderBy(k => k.Name).ToListAsync(ct))
            .Where(k => user.CanReach(k.Id)).ToList();
        var counts = await db.Documents.Where(d => d.TenantId == tenant).GroupBy(d => d.KnowledgeBaseId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var list = kbs.Select(k => KnowledgeBaseDto.From(k, counts.GetValueOrDefault(k.Id))).ToList();
        // Knowledge bases the platform published to the tenant follow its own, marked shared and read-only.
        foreach (var shared in await db.SharedKnowledgeBasesAsync(user, ct))
            list.Add(KnowledgeBaseDto.From(shared, await db.Documents.CountAsync(d => d.KnowledgeBaseId == shared.Id && d.TenantId == shared.TenantId, ct)) with { Shared = true });
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<KnowledgeBaseDto>, ProblemHttpResult>> Get(string kb, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var found = await db.FindReadableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);
        var count = await db.Documents.CountAsync(d => d.KnowledgeBaseId == found.Id && d.TenantId == found.TenantId, ct);
        return TypedResults.Ok(KnowledgeBaseDto.From(found, count) with { Shared = found.IsSharedWith(user) });
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string kb, ClaimsPrincipal user, KnowledgeDbContext db, IChunkIndex index, IFileStore files, AuditLog audit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var (found, problem) = await db.FindWritableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return problem!;
        // Index first: a crash after this leaves rows that the start-up check removes, never searchable orphans.
        await index.DeleteKnowledgeBaseAsync(tenant, found.Id, ct);
        await db.KnowledgeBases.Where(k => k.Id == found.Id && k.TenantId == tenant).ExecuteDeleteAsync(ct);
        await files.DeleteFolderAsync(FileKeys.KnowledgeBase(tenant, found.Id), ct);
        await audit.RecordAsync(user, "knowledge_base.deleted", found.Id, new { found.Name }, ct);
        return TypedResults.NoContent();
    }
}
