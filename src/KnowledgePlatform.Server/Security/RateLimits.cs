using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using KnowledgePlatform.Server.Api;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace KnowledgePlatform.Server.Security;

/// <summary>Configuration section "Security:RateLimits".</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Security:RateLimits";

    /// <summary>Requests one API key may make per minute.</summary>
    [Range(1, int.MaxValue)]
    public int KeyRequestsPerMinute { get; set; } = 600;

    /// <summary>Requests all of a tenant's keys together may make per minute.</summary>
    [Range(1, int.MaxValue)]
    public int TenantRequestsPerMinute { get; set; } = 3000;
}

/// <summary>Per-key and per-tenant request limits on the API, answered with 429, Retry-After and Problem Details.</summary>
public static class RateLimits
{
    public const string Api = "api";

    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.AddQuotas();
        builder.Services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(o =>
        {
            o.AddPolicy(Api, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var key = context.User.FindFirst(ApiKeyAuthenticationHandler.KeyClaim)?.Value;
                // Unauthenticated requests are refused by authorization anyway; they share one small bucket.
                return RateLimitPartition.GetFixedWindowLimiter(key ?? "anonymous", _ => Window(limits.KeyRequestsPerMinute));
            });
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var tenant = context.User.FindFirst(ApiKeyAuthenticationHandler.TenantClaim)?.Value;
                if (tenant is null) return RateLimitPartition.GetNoLimiter("none");
                var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter("tenant:" + tenant, _ => Window(limits.TenantRequestsPerMinute));
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

    private static FixedWindowRateLimiterOptions Window(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };
}
