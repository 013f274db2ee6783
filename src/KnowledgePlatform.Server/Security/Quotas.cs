using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Security;

/// <summary>Configuration section "Security:Quotas": the defaults; the platform admin overrides them per tenant. Decision 0041.</summary>
public sealed class QuotaOptions
{
    public const string Section = "Security:Quotas";

    /// <summary>Tokens all of a tenant's keys together may use per UTC day.</summary>
    [Range(1, long.MaxValue)]
    public long TokensPerDay { get; set; } = 5_000_000;

    /// <summary>Tokens one key may use per UTC day.</summary>
    [Range(1, long.MaxValue)]
    public long KeyTokensPerDay { get; set; } = 1_000_000;

    /// <summary>Bytes of documents a tenant may store (latest version of each document).</summary>
    [Range(1, long.MaxValue)]
    public long StorageBytes { get; set; } = 10L * 1024 * 1024 * 1024;
}

/// <summary>The limits in force for a tenant: its overrides over the defaults.</summary>
public sealed record QuotaLimits(long TokensPerDay, long KeyTokensPerDay, long StorageBytes);

/// <summary>A tenant's limits and what it has used; the key's own usage today too.</summary>
public sealed record QuotaStatusDto(QuotaLimits Limits, long TenantTokensToday, long KeyTokensToday, long StorageBytesUsed, DateTimeOffset ResetsAt);

/// <summary>The platform admin's overrides for one tenant; a null field takes the configured default.</summary>
public sealed record TenantQuotaRequest(long? TokensPerDay = null, long? KeyTokensPerDay = null, long? StorageBytes = null);

/// <summary>
/// Daily token quotas per tenant and per key, and a storage quota per tenant (decision 0041). Over a
/// quota, requests answer 429 with Retry-After (seconds until the quota resets: the next UTC midnight
/// for tokens) and Problem Details with a code.
/// </summary>
public sealed class QuotaService(KnowledgeDbContext db, IOptions<QuotaOptions> options, ITokenCounter tokens, TimeProvider clock)
{
    public async Task<QuotaLimits> LimitsAsync(string tenantId, CancellationToken ct)
    {
        var o = options.Value;
        var set = await db.TenantQuotas.AsNoTracking().FirstOrDefaultAsync(q => q.TenantId == tenantId, ct);
        return new QuotaLimits(set?.TokensPerDay ?? o.TokensPerDay, set?.KeyTokensPerDay ?? o.KeyTokensPerDay, set?.StorageBytes ?? o.StorageBytes);
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private DateTimeOffset NextMidnight => new(Today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The 429 to answer when the caller's tenant or key has used its tokens for today; null while within both.</summary>
    public async Task<ProblemHttpResult?> CheckTokensAsync(HttpContext http, CancellationToken ct)
    {
        var (tenant, key) = (http.User.TenantId(), http.User.Actor());
        var limits = await LimitsAsync(tenant, ct);
        var today = Today;
        var usage = await db.TokenUsage.AsNoTracking().Where(u => u.TenantId == tenant && u.Day == today).Select(u => new { u.KeyId, u.Tokens }).ToListAsync(ct);
        var (tenantUsed, keyUsed) = (usage.Sum(u => u.Tokens), usage.Where(u => u.KeyId == key).Sum(u => u.Tokens));
        string? which = tenantUsed >= limits.TokensPerDay ? $"The tenant has used its {limits.TokensPerDay} tokens for today"
            : keyUsed >= limits.KeyTokensPerDay ? $"This key has used its {limits.KeyTokensPerDay} tokens for today"
            : null;
        return which is null ? null : Refuse(http, "token_quota_exceeded", NextMidnight - clock.GetUtcNow(), $"{which} (UTC). The quota resets at midnight UTC.");
    }

    /// <summary>Tokens of one ask: question, answer and cited passages, counted with the deployment's tokenizer (decision 0041).</summary>
    public int CountAsk(string question, string answer, IEnumerable<string> citedPassages) =>
        tokens.CountTokens(question) + tokens.CountTokens(answer) + citedPassages.Sum(tokens.CountTokens);

    /// <summary>Adds to the key's meter for today (an upsert that concurrent requests cannot lose).</summary>
    public async Task RecordTokensAsync(ClaimsPrincipal user, long count, CancellationToken ct)
    {
        if (count <= 0) return;
        var (tenant, key, today) = (user.TenantId(), user.Actor(), Today);
        for (var attempt = 0; ; attempt++)
        {
            if (await db.TokenUsage.Where(u => u.TenantId == tenant && u.Day == today && u.KeyId == key)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.Tokens, u => u.Tokens + count), ct) > 0)
                return;
            db.TokenUsage.Add(new TokenUsage { TenantId = tenant, KeyId = key, Day = today, Tokens = count });
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another request created today's row first: add to it instead.
                db.ChangeTracker.Clear();
            }
        }
    }

    public Task<long> StorageUsedAsync(string tenantId, CancellationToken ct) =>
        db.Documents.Where(d => d.TenantId == tenantId).SumAsync(d => d.SizeBytes, ct);

    /// <summary>The 429 to answer when storing <paramref name="incomingBytes"/> more would pass the tenant's storage quota.</summary>
    public async Task<ProblemHttpResult?> CheckStorageAsync(HttpContext http, long incomingBytes, CancellationToken ct)
    {
        var tenant = http.User.TenantId();
        var limit = (await LimitsAsync(tenant, ct)).StorageBytes;
        var used = await StorageUsedAsync(tenant, ct);
        return used + incomingBytes <= limit ? null
            : Refuse(http, "storage_quota_exceeded", TimeSpan.FromHours(1),
                $"Storing this file would take the tenant to {used + incomingBytes} bytes, over its quota of {limit}. Delete documents or ask the platform administrator for more.");
    }

    public async Task<QuotaStatusDto> StatusAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var (tenant, key, today) = (user.TenantId(), user.Actor(), Today);
        var usage = await db.TokenUsage.AsNoTracking().Where(u => u.TenantId == tenant && u.Day == today).Select(u => new { u.KeyId, u.Tokens }).ToListAsync(ct);
        return new QuotaStatusDto(await LimitsAsync(tenant, ct), usage.Sum(u => u.Tokens), usage.Where(u => u.KeyId == key).Sum(u => u.Tokens),
            await StorageUsedAsync(tenant, ct), NextMidnight);
    }

    private static ProblemHttpResult Refuse(HttpContext http, string code, TimeSpan retryAfter, string detail)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ApiProblems.Problem(StatusCodes.Status429TooManyRequests, code, detail);
    }
}

public static class QuotaEndpoints
{
    public static IHostApplicationBuilder AddQuotas(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QuotaOptions>().Bind(builder.Configuration.GetSection(QuotaOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<QuotaService>();
        return builder;
    }

    public static RouteGroupBuilder MapQuotas(this RouteGroupBuilder api)
    {
        api.MapGet("/quotas", (ClaimsPrincipal user, QuotaService quotas, CancellationToken ct) => quotas.StatusAsync(user, ct))
            .RequireAuthorization(ApiScopes.Read).WithTags("Quotas").WithSummary("The tenant's quotas in force and what it (and this key) used today");
        var platform = api.MapGroup("/platform/tenants/{tenantId}").WithTags("Platform").RequireAuthorization(ApiScopes.Platform);
        platform.MapPut("/quotas", SetTenantQuota).WithSummary("Override a tenant's quotas (null: the configured default)");
        return api;
    }

    private static async Task<Results<Ok<QuotaLimits>, ProblemHttpResult>> SetTenantQuota(
        string tenantId, TenantQuotaRequest request, ClaimsPrincipal user, KnowledgeDbContext db, QuotaService quotas, AuditLog audit, CancellationToken ct)
    {
        if (request is { TokensPerDay: < 1 } or { KeyTokensPerDay: < 1 } or { StorageBytes: < 1 })
            return ApiProblems.Validation("invalid_quota", "Quotas must be positive (or null for the default).");
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return ApiProblems.NotFound("tenant", tenantId);
        var quota = await db.TenantQuotas.FirstOrDefaultAsync(q => q.TenantId == tenantId, ct);
        if (quota is null) db.TenantQuotas.Add(quota = new TenantQuota { TenantId = tenantId });
        (quota.TokensPerDay, quota.KeyTokensPerDay, quota.StorageBytes) = (request.TokensPerDay, request.KeyTokensPerDay, request.StorageBytes);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(user, "quota.update", tenantId, request, ct);
        return TypedResults.Ok(await quotas.LimitsAsync(tenantId, ct));
    }
}
