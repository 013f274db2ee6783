using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Server.Quotas;

/// <summary>Configuration section "Security:Quotas": the defaults; the platform admin overrides them per tenant. Decision 0041.</summary>
public sealed class QuotaOptions
{
    public const string Section = "Security:Quotas";

    /// <summary>Tokens all of a tenant's keys together may use per UTC day.</summary>
    [Range(1, long.MaxValue)]
    public long TokensPerDay { get; set; } = 5_000_000;

    /// <summary>Tokens one key may use per UTC day.</summary>
    [Range(1, long.MaxValue)]
    public long KeyTokensPerDay { get; set; } = 1_000_000;

    /// <summary>Bytes of documents a tenant may store (latest version of each document).</summary>
    [Range(1, long.MaxValue)]
    public long StorageBytes { get; set; } = 10L * 1024 * 1024 * 1024;
}
