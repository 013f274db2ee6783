namespace KnowledgePlatform.Core.Domain;

/// <summary>
/// An EHR (CDS client) the tenant trusts: the issuer of its JWTs and where its public keys are (a JWK Set URL, or the
/// JWK Set itself). A token is accepted only when signed by one of these keys.
/// </summary>
public sealed class CdsClient
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string Name { get; set; }
    /// <summary>The JWT's iss.</summary>
    public required string Issuer { get; init; }
    /// <summary>The JWT's sub when the EHR names itself by a client id; tells apart tenants that trust the same issuer.</summary>
    public string? ClientId { get; init; }
    public string? JwksUrl { get; set; }
    /// <summary>A JWK Set (public keys only), when the EHR hands its keys over out of band.</summary>
    public string? Jwks { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LastUsedAt { get; set; }
}
