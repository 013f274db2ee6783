namespace KnowledgePlatform.Infrastructure.RateLimiting;

/// <summary>
/// Fixed-window counters that every replica shares (decision 0091): the metadata database or Redis. A permit is taken
/// only while the window has one left, so refused requests do not use up the window.
/// </summary>
public interface IWindowCounter
{
    Task<WindowPermit> TryTakeAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken);
}
