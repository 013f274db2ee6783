using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KnowledgePlatform.Infrastructure.RateLimiting;

/// <summary>Requests counted for one rate-limit key in one fixed window (Unix seconds of its start).</summary>
public sealed class RateLimitWindow
{
    public required string Key { get; init; }
    public required long WindowStart { get; init; }
    public int Count { get; set; }
}

internal sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<RateLimitWindow>
{
    public void Configure(EntityTypeBuilder<RateLimitWindow> e)
    {
        e.HasKey(w => new { w.Key, w.WindowStart });
        e.Property(w => w.Key).HasMaxLength(200);
        e.HasIndex(w => w.WindowStart);
    }
}
