namespace KnowledgePlatform.Core.Domain;

/// <summary>A JWT id already used by a client, kept until the token expires so it cannot be replayed.</summary>
public sealed class CdsTokenUse
{
    /// <summary>The client's id and the jti, hashed: unique, so two replicas cannot both accept the same token.</summary>
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}
