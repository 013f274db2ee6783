using System.Threading.RateLimiting;
using KnowledgePlatform.Infrastructure.RateLimiting;

namespace KnowledgePlatform.Server.Security;

/// <summary>
/// A fixed-window limiter whose count lives in a store every replica shares (<see cref="IWindowCounter"/>), so N
/// replicas allow the limit once, not N times. The synchronous attempt always defers to the asynchronous one, which
/// asks the store. When the store cannot be reached the request is let through and a warning logged: an outage of the
/// counter store must not take the API down with it.
/// </summary>
public sealed class SharedWindowLimiter(string key, int limit, TimeSpan window, IWindowCounter counter, ILogger logger) : RateLimiter
{
    public override TimeSpan? IdleDuration => TimeSpan.Zero;

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Deferred;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            var permit = await counter.TryTakeAsync(key, limit, window, cancellationToken);
            return permit.Allowed ? Lease.Granted : new Lease(false, permit.RetryAfter);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "The shared rate-limit counter could not be reached; the request is let through");
            return Lease.Granted;
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease Deferred = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
