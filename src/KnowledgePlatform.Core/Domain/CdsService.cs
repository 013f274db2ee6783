namespace KnowledgePlatform.Core.Domain;

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
