using System.Globalization;
using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Quotas;

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
