using System.Security.Claims;
using System.Text;
using System.Text.Json;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api.Audit;

/// <summary>The tenant's audit log: read, filtered and exported as CSV. Admin scope.</summary>
public static class AuditEndpoints
{
    private const int MaxExport = 10_000;

    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(ApiScopes.Admin);
        audit.MapGet("/", Query).WithSummary("The tenant's audit log, newest first; filter by action (\"document.*\" for a family), actor, channel and time");
        audit.MapGet("/facets", Facets).WithSummary("The actions, actors (with their names) and channels the tenant's audit log holds, for filters");
        audit.MapGet("/export", Export).WithSummary($"The filtered audit log as CSV (at most {MaxExport:N0} records, newest first)");
        return api;
    }

    private static IQueryable<AuditRecord> Filtered(KnowledgeDbContext db, string tenant, string? action, string? actor, string? channel, DateTimeOffset? from, DateTimeOffset? to)
    {
        var query = db.AuditRecords.AsNoTracking().Where(a => a.TenantId == tenant);
        if (action is { Length: > 2 } family && family.EndsWith(".*", StringComparison.Ordinal))
        {
            var prefix = family[..^1];
            query = query.Where(a => a.Action.StartsWith(prefix));
        }
        else if (action is not null) query = query.Where(a => a.Action == action);
        if (actor is not null) query = query.Where(a => a.Actor == actor);
        if (channel is not null) query = query.Where(a => a.Channel == channel);
        if (from is not null) query = query.Where(a => a.At >= from);
        if (to is not null) query = query.Where(a => a.At < to);
        return query.OrderByDescending(a => a.At);
    }

    private static async Task<List<AuditRecordDto>> ReadAsync(KnowledgeDbContext db, string tenant, IQueryable<AuditRecord> query, int limit, CancellationToken ct)
    {
        var records = await query.Take(limit).ToListAsync(ct);
        var names = await ActorNames.ResolveAsync(db, tenant, records.Select(r => r.Actor), ct);
        return records.Select(a =>
        {
            JsonElement? detail = a.Detail is null ? null : JsonDocument.Parse(a.Detail).RootElement.Clone();
            return new AuditRecordDto(a.Id, a.At, a.Actor, a.Channel, a.Action, a.Subject, detail)
            {
                ActorName = names.GetValueOrDefault(a.Actor, a.Actor),
                Label = AuditSummary.Label(a.Action),
                Summary = AuditSummary.Of(a.Action, detail),
            };
        }).ToList();
    }

    private static async Task<Ok<List<AuditRecordDto>>> Query(
        ClaimsPrincipal user, KnowledgeDbContext db, string? action, string? actor, string? channel, DateTimeOffset? from, DateTimeOffset? to, int? limit, CancellationToken ct)
    {
        var tenant = user.TenantId();
        return TypedResults.Ok(await ReadAsync(db, tenant, Filtered(db, tenant, action, actor, channel, from, to), Math.Clamp(limit ?? 100, 1, 500), ct));
    }

    private static async Task<Ok<AuditFacets>> Facets(ClaimsPrincipal user, KnowledgeDbContext db, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var records = db.AuditRecords.AsNoTracking().Where(a => a.TenantId == tenant);
        var actions = await records.Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
        var actors = await records.Select(a => a.Actor).Distinct().ToListAsync(ct);
        var channels = await records.Select(a => a.Channel).Distinct().OrderBy(c => c).ToListAsync(ct);
        var names = await ActorNames.ResolveAsync(db, tenant, actors, ct);
        return TypedResults.Ok(new AuditFacets(actions, actors.Select(a => new AuditActor(a, names.GetValueOrDefault(a, a))).OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList(), channels));
    }

    private static async Task<FileContentHttpResult> Export(
        ClaimsPrincipal user, KnowledgeDbContext db, string? action, string? actor, string? channel, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var records = await ReadAsync(db, tenant, Filtered(db, tenant, action, actor, channel, from, to), MaxExport, ct);
        var csv = new StringBuilder("at,actor,actor_name,channel,action,label,subject,summary,detail\r\n");
        foreach (var r in records)
        {
            string[] cells = [r.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"), r.Actor, r.ActorName, r.Channel, r.Action, r.Label, r.Subject ?? "", r.Summary, r.Detail?.GetRawText() ?? ""];
            csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
        }
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv; charset=utf-8",
            $"audit-{tenant}-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv");
    }

    /// <summary>A CSV cell (RFC 4180); a text a spreadsheet would run as a formula is prefixed with an apostrophe.</summary>
    internal static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
