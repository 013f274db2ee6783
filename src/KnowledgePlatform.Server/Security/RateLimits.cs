using System.Globalization;
using System.Threading.RateLimiting;
using KnowledgePlatform.Infrastructure;
using KnowledgePlatform.Infrastructure.RateLimiting;
using KnowledgePlatform.Server.Api;
using KnowledgePlatform.Server.Quotas;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Security;

/// <summary>
/// Per-key and per-tenant request limits on the API, answered with 429, Retry-After and Problem Details. Counted in this
/// process, or in a store every replica shares (<see cref="RateLimitOptions.Store"/>).
/// </summary>
public static class RateLimits
{
    public const string Api = "api";

    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.AddQuotas();
        builder.AddRedis();
        builder.Services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations()
            .Validate<IOptions<RedisOptions>>((o, redis) => o.Store != "redis" || redis.Value.Enabled, "Security:RateLimits:Store is redis, so Redis:Configuration is required.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DatabaseWindowCounter>();
        builder.Services.AddSingleton<RedisWindowCounter>();
        builder.Services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<IOptions<RateLimitOptions>>().Value.EffectiveStore(
                sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp.GetRequiredService<IOptions<RedisOptions>>().Value);
            return new RateLimitStore(store, store switch
            {
                "redis" => sp.GetRequiredService<RedisWindowCounter>(),
                "database" => sp.GetRequiredService<DatabaseWindowCounter>(),
                _ => null,
            });
        });
        builder.Services.AddRateLimiter(o =>
        {
            o.AddPolicy(Api, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var key = context.User.FindFirst(ApiKeyAuthenticationHandler.KeyClaim)?.Value;
                // Unauthenticated requests are refused by authorization anyway; they share one small bucket.
                return Partition(context, "key:" + (key ?? "anonymous"), limits.KeyRequestsPerMinute);
            });
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var tenant = context.User.FindFirst(ApiKeyAuthenticationHandler.TenantClaim)?.Value;
                if (tenant is null) return RateLimitPartition.GetNoLimiter("none");
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return Partition(context, "tenant:" + tenant, limits.TenantRequestsPerMinute);
            });
            o.OnRejected = async (rejected, ct) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(60);
                rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ApiProblems.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "rate_limited",
                    $"Too many requests. Try again in {Math.Ceiling(retryAfter.TotalSeconds)} seconds.");
            };
        });
        return builder;
    }

    /// <summary>A one-minute window for the key: in this process, or in the shared store when one is configured.</summary>
    private static RateLimitPartition<string> Partition(HttpContext context, string key, int permits)
    {
        var counter = context.RequestServices.GetRequiredService<RateLimitStore>().Shared;
        return counter is null
            ? RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(permits))
            : RateLimitPartition.Get(key, k => new SharedWindowLimiter(k, permits, TimeSpan.FromMinutes(1), counter,
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<SharedWindowLimiter>()));
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };
}
