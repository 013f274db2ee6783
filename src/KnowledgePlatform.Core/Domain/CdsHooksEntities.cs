namespace KnowledgePlatform.Core.Domain;

// CDS Hooks (decision 0110): the services a tenant offers EHRs, the EHRs it trusts, the tokens they have used, and
// what each call returned. Kept together so the CDS Hooks model reads as one piece.

/// <summary>A CDS service a tenant offers on one hook, answering from one knowledge base; listed by discovery while enabled.</summary>
public sealed class CdsService
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    /// <summary>The {id} of {baseUrl}/cds-services/{id}: unique within the tenant.</summary>
    public required string ServiceId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    /// <summary>patient-view, order-select or order-sign.</summary>
    public required string Hook { get; init; }
    public required string Title { get; set; }
    public required string Description { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}

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

/// <summary>A JWT id already used by a client, kept until the token expires so it cannot be replayed.</summary>
public sealed class CdsTokenUse
{
    /// <summary>The client's id and the jti, hashed: unique, so two replicas cannot both accept the same token.</summary>
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>One call of a CDS service: which hook instance, who called, and the cards it returned (no patient data).</summary>
public sealed class CdsInvocation
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string ServiceId { get; init; }
    public required string KnowledgeBaseId { get; init; }
    public required string Hook { get; init; }
    public required string HookInstance { get; init; }
    /// <summary>The client (or API key) that called.</summary>
    public required string Actor { get; init; }
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
    public int CardCount { get; init; }
    /// <summary>The response's cards as sent, JSON.</summary>
    public required string Cards { get; init; }
    /// <summary>Questions the knowledge base did not cover, and FHIR reads that failed: why a card may be missing.</summary>
    public string? Notes { get; init; }
    public int DurationMs { get; init; }
}
