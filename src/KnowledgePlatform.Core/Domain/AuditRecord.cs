namespace KnowledgePlatform.Core.Domain;

/// <summary>An append-only record of who did what through which channel, with content redacted per policy.</summary>
public sealed class AuditRecord
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>The key (or user) that acted.</summary>
    public required string Actor { get; init; }
    /// <summary>api, widget, portal, cli.</summary>
    public required string Channel { get; init; }
    /// <summary>For example ask, search, document.upload, document.delete, key.create, policy.update.</summary>
    public required string Action { get; init; }
    /// <summary>The id the action was about (knowledge base, document, key).</summary>
    public string? Subject { get; init; }
    /// <summary>Redacted question, cited chunk ids, policy actions taken: JSON.</summary>
    public string? Detail { get; init; }
}
