using KnowledgePlatform.Infrastructure.RateLimiting;

namespace KnowledgePlatform.Server.Security;

/// <summary>The rate-limit store in force: its name, and the shared counter (null: counted in this process).</summary>
public sealed record RateLimitStore(string Name, IWindowCounter? Shared);
