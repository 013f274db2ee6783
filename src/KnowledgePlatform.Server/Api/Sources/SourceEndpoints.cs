using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Ingestion.Sources;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api.Sources;

/// <summary>
/// Sources of a knowledge base (decision 0080): create, list, change, run now, pause, resume and remove them, and
/// read their sync history. A request only writes rows and queues a sync; the sync itself runs on a worker.
/// </summary>
public static class SourceEndpoints
{
    public static RouteGroupBuilder MapSources(this RouteGroupBuilder api)
    {
        var inKb = api.MapGroup("/knowledge-bases/{kb}/sources").WithTags("Sources").RequireAuthorization(ApiScopes.Ingest);
        inKb.MapPost("/", Create).WithSummary("Add a web or folder source; its first sync is queued at once unless syncNow is false");
        inKb.MapGet("/", List).WithSummary("A knowledge base's sources with their last sync");

        var sources = api.MapGroup("/sources").WithTags("Sources").RequireAuthorization(ApiScopes.Ingest);
        sources.MapGet("/{id}", Get).WithSummary("A source with its last sync");
        sources.MapPatch("/{id}", Update).WithSummary("Change a source's name, settings, schedule, grace period or access groups (from its next sync on)");
        sources.MapPost("/{id}/sync", SyncNow).WithSummary("Run a sync now: 202 with the queued sync, or 200 with the one already queued or running");
        sources.MapPost("/{id}/pause", Pause).WithSummary("Pause a source: no scheduled or watched syncs, a queued one is cancelled and a running one stops at the next item");
        sources.MapPost("/{id}/resume", Resume).WithSummary("Resume a paused source; a scheduled source syncs at once");
        sources.MapDelete("/{id}", Delete).WithSummary("Remove a source; with deleteDocuments=true its documents go too, otherwise they stay as ordinary documents");
        sources.MapGet("/{id}/runs", Runs).WithSummary("A source's syncs, newest first (the last 50 are kept)");
        api.MapGet("/sync-runs/{id}", Run).WithTags("Sources").RequireAuthorization(ApiScopes.Ingest)
            .WithSummary("A sync with its history: every item added, updated, removed, failed, skipped or gone, with the reason");
        return api;
    }

    private static async Task<Results<Created<SourceDto>, ProblemHttpResult>> Create(
        string kb, CreateSourceRequest request, ClaimsPrincipal user, KnowledgeDbContext db, ISourceStore store, SourceRequests requests, AuditLog audit, CancellationToken ct)
    {
        var (found, problem) = await db.FindWritableKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return problem!;
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl)) return ApiProblems.Validation("invalid_name", "A source needs a name of 1 to 100 characters.");
        var source = new Source
        {
            Id = Ids.New("src"), TenantId = found.TenantId, KnowledgeBaseId = found.Id, Name = name, Kind = request.Kind,
            RemovalGrace = request.RemovalGrace ?? (request.Kind == SourceKind.Web ? TimeSpan.FromDays(1) : TimeSpan.Zero),
        };
        var web = request.Kind == SourceKind.Web ? request.Web ?? new WebSourceRequest("") : null;
        var folder = request.Kind == SourceKind.Folder ? request.Folder ?? new FolderSourceRequest("") : null;
        if (requests.Apply(source, web, folder, request.Interval, clearInterval: false, request.Groups, user) is { } invalid) return invalid;
        if (SourceRules.ScheduleProblem(source.Interval, source.RemovalGrace) is { } schedule) return ApiProblems.Validation("invalid_schedule", schedule);
        source.NextSyncAt = source.Interval is { } every ? DateTimeOffset.UtcNow + every : null;
        db.Sources.Add(source);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "source.create", source.Id, new { source.Name, source.Kind, found.Id }, ct);
        SyncRun? first = null;
        if (request.SyncNow) first = await requests.QueueAsync(store, source.Id, ct);
        return TypedResults.Created($"/api/v1/sources/{source.Id}", SourceDto.From(source, 0, first));
    }

    private static async Task<Results<Ok<List<SourceDto>>, ProblemHttpResult>> List(string kb, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var found = await db.FindKnowledgeBaseAsync(user, kb, ct);
        if (found is null) return ApiProblems.NotFound("knowledge base", kb);
        var sources = await db.Sources.AsNoTracking().Where(s => s.TenantId == found.TenantId && s.KnowledgeBaseId == found.Id).OrderBy(s => s.Name).ToListAsync(ct);
        var list = new List<SourceDto>(sources.Count);
        foreach (var source in sources) list.Add(await DescribeAsync(db, source, ct));
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<SourceDto>, ProblemHttpResult>> Get(string id, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct) =>
        await FindAsync(db, user, id, ct) is { } source ? TypedResults.Ok(await DescribeAsync(db, source, ct)) : ApiProblems.NotFound("source", id);

    private static async Task<Results<Ok<SourceDto>, ProblemHttpResult>> Update(
        string id, UpdateSourceRequest request, ClaimsPrincipal user, KnowledgeDbContext db, SourceRequests requests, AuditLog audit, CancellationToken ct)
    {
        var source = await FindAsync(db, user, id, ct, tracked: true);
        if (source is null) return ApiProblems.NotFound("source", id);
        if (request.Name is { } rename)
        {
            rename = rename.Trim();
            if (rename.Length is 0 or > 100 || rename.Any(char.IsControl)) return ApiProblems.Validation("invalid_name", "A source needs a name of 1 to 100 characters.");
            source.Name = rename;
        }
        if (request.RemovalGrace is { } grace) source.RemovalGrace = grace;
        var before = source.Interval;
        if (requests.Apply(source, request.Web, request.Folder, request.Interval, request.ClearInterval, request.Groups, user) is { } invalid) return invalid;
        if (SourceRules.ScheduleProblem(source.Interval, source.RemovalGrace) is { } schedule) return ApiProblems.Validation("invalid_schedule", schedule);
        if (source.Interval != before) source.NextSyncAt = source.Interval is { } every ? DateTimeOffset.UtcNow + every : null;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "source.update", source.Id, null, ct);
        return TypedResults.Ok(await DescribeAsync(db, source, ct));
    }

    private static async Task<Results<Accepted<SyncRunDto>, Ok<SyncRunDto>, ProblemHttpResult>> SyncNow(
        string id, ClaimsPrincipal user, KnowledgeDbContext db, ISourceStore store, SourceRequests requests, CancellationToken ct)
    {
        var source = await FindAsync(db, user, id, ct);
        if (source is null) return ApiProblems.NotFound("source", id);
        if (source.Paused) return ApiProblems.Problem(StatusCodes.Status409Conflict, "source_paused", "The source is paused; resume it to sync.");
        var queued = await store.QueueAsync(source.Id, SyncTrigger.Manual, ct);
        if (queued is not var (run, isNew)) return ApiProblems.NotFound("source", id);
        if (!isNew) return TypedResults.Ok(SyncRunDto.From(run));
        requests.Wake();
        var dto = SyncRunDto.From(run);
        return TypedResults.Accepted(dto.StatusUrl, dto);
    }

    private static async Task<Results<Ok<SourceDto>, ProblemHttpResult>> Pause(string id, ClaimsPrincipal user, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        var source = await FindAsync(db, user, id, ct, tracked: true);
        if (source is null) return ApiProblems.NotFound("source", id);
        source.Paused = true;
        await db.SaveChangesAsync(ct);
        // A queued sync never starts; a running one sees the pause at its next heartbeat and stops as cancelled.
        await db.SyncRuns.Where(r => r.SourceId == source.Id && r.Status == SyncRunStatus.Queued).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, SyncRunStatus.Cancelled).SetProperty(r => r.Error, "The source was paused before the sync started.")
            .SetProperty(r => r.FinishedAt, DateTimeOffset.UtcNow).SetProperty(r => r.UpdatedAt, DateTimeOffset.UtcNow), ct);
        await audit.RecordAsync(user, "source.pause", source.Id, null, ct);
        return TypedResults.Ok(await DescribeAsync(db, source, ct));
    }

    private static async Task<Results<Ok<SourceDto>, ProblemHttpResult>> Resume(
        string id, ClaimsPrincipal user, KnowledgeDbContext db, ISourceStore store, SourceRequests requests, AuditLog audit, CancellationToken ct)
    {
        var source = await FindAsync(db, user, id, ct, tracked: true);
        if (source is null) return ApiProblems.NotFound("source", id);
        source.Paused = false;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "source.resume", source.Id, null, ct);
        // What changed while it was paused is caught up at once when the source is kept in step on its own.
        if (source.Interval is not null || source.Folder is { Watch: true }) await requests.QueueAsync(store, source.Id, ct);
        return TypedResults.Ok(await DescribeAsync(db, source, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, bool? deleteDocuments, ClaimsPrincipal user, KnowledgeDbContext db, IChunkIndex index, IFileStore files, AuditLog audit, CancellationToken ct)
    {
        var source = await FindAsync(db, user, id, ct);
        if (source is null) return ApiProblems.NotFound("source", id);
        var tenant = source.TenantId;
        // The source (with its syncs and items) goes first: a sync still running loses its lease and stops, and the
        // intake refuses any item it was still submitting, so the documents listed next are all there will be.
        await db.Sources.Where(s => s.Id == source.Id && s.TenantId == tenant).ExecuteDeleteAsync(ct);
        var documents = deleteDocuments == true
            ? await db.Documents.Where(d => d.TenantId == tenant && d.SourceId == source.Id).Select(d => d.Id).ToListAsync(ct)
            : [];
        // Kept documents become ordinary ones.
        await db.Documents.Where(d => d.TenantId == tenant && d.SourceId == source.Id && !documents.Contains(d.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.SourceId, (string?)null), ct);
        foreach (var document in documents)
            await index.DeleteDocumentAsync(new DocumentRef(tenant, source.KnowledgeBaseId, document), ct);
        if (documents.Count > 0)
        {
            await db.Documents.Where(d => d.TenantId == tenant && documents.Contains(d.Id)).ExecuteDeleteAsync(ct);
            await KnowledgeBaseVersion.BumpAsync(db, source.KnowledgeBaseId, ct);
        }
        foreach (var document in documents)
            await files.DeleteFolderAsync(FileKeys.Document(tenant, source.KnowledgeBaseId, document), ct);
        await audit.RecordAsync(user, "source.delete", source.Id, new { source.Name, documents = documents.Count }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<SyncRunDto>>, ProblemHttpResult>> Runs(string id, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var source = await FindAsync(db, user, id, ct);
        if (source is null) return ApiProblems.NotFound("source", id);
        var runs = await db.SyncRuns.AsNoTracking().Where(r => r.SourceId == source.Id && r.TenantId == source.TenantId)
            .OrderByDescending(r => r.CreatedAt).Take(50).ToListAsync(ct);
        return TypedResults.Ok(runs.Select(SyncRunDto.From).ToList());
    }

    private static async Task<Results<Ok<SyncRunDetailDto>, ProblemHttpResult>> Run(
        string id, string? outcome, int? take, ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        SyncOutcome? only = null;
        if (outcome is not null)
        {
            if (!Enum.TryParse<SyncOutcome>(outcome, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                return ApiProblems.Validation("invalid_outcome", $"outcome is one of {string.Join(", ", Enum.GetNames<SyncOutcome>().Select(n => n.ToLowerInvariant()))}.");
            only = parsed;
        }
        var tenant = user.TenantId();
        var run = await db.SyncRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.TenantId == tenant, ct);
        if (run is null || !user.CanReach(run.KnowledgeBaseId)) return ApiProblems.NotFound("sync", id);
        var entries = db.SyncEntries.AsNoTracking().Where(e => e.RunId == run.Id && e.TenantId == tenant);
        entries = only is { } wanted ? entries.Where(e => e.Outcome == wanted) : entries.Where(e => e.Outcome != SyncOutcome.Pending && e.Outcome != SyncOutcome.Unchanged);
        var changes = await entries.OrderBy(e => e.Id).Take(Math.Clamp(take ?? 500, 1, 5000))
            .Select(e => new SyncChangeDto(e.Key, e.Outcome, e.Reason, e.DocumentId, e.UpdatedAt)).ToListAsync(ct);
        return TypedResults.Ok(new SyncRunDetailDto(SyncRunDto.From(run), changes));
    }

    /// <summary>A source of the caller's tenant in a knowledge base its key may reach; anything else is not found.</summary>
    private static async Task<Source?> FindAsync(KnowledgeDbContext db, ClaimsPrincipal user, string id, CancellationToken ct, bool tracked = false)
    {
        var tenant = user.TenantId();
        var query = tracked ? db.Sources : db.Sources.AsNoTracking();
        var source = await query.FirstOrDefaultAsync(s => s.Id == id && s.TenantId == tenant, ct);
        return source is not null && user.CanReach(source.KnowledgeBaseId) ? source : null;
    }

    private static async Task<SourceDto> DescribeAsync(KnowledgeDbContext db, Source source, CancellationToken ct)
    {
        var documents = await db.Documents.CountAsync(d => d.TenantId == source.TenantId && d.SourceId == source.Id, ct);
        var last = await db.SyncRuns.AsNoTracking().Where(r => r.SourceId == source.Id).OrderByDescending(r => r.CreatedAt).FirstOrDefaultAsync(ct);
        return SourceDto.From(source, documents, last);
    }
}
