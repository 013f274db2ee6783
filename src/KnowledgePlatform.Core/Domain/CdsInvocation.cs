namespace KnowledgePlatform.Core.Domain;

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
