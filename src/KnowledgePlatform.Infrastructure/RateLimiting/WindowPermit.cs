namespace KnowledgePlatform.Infrastructure.RateLimiting;

/// <summary>The outcome of taking a permit: allowed or not, and how long until the window that refused it ends.</summary>
public readonly record struct WindowPermit(bool Allowed, TimeSpan RetryAfter);
