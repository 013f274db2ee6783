namespace KnowledgePlatform.Core.Domain;

/// <summary>Tokens one key used on one UTC day: the meter behind the daily token quotas.</summary>
public sealed class TokenUsage
{
    public required string TenantId { get; init; }
    public required string KeyId { get; init; }
    public required DateOnly Day { get; init; }
    public long Tokens { get; set; }
}
