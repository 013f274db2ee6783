using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Infrastructure.Indexing.Qdrant;

/// <summary>Configuration section "Qdrant", used when Storage:Index is "qdrant".</summary>
public sealed class QdrantOptions : IValidatableObject
{
    public const string Section = "Qdrant";

    /// <summary>Qdrant's gRPC endpoint (port 6334), e.g. http://qdrant:6334.</summary>
    [Required]
    public string Url { get; set; } = "http://localhost:6334";

    /// <summary>Qdrant's API key (QDRANT__SERVICE__API_KEY on the server); from a secret, never from a file in the image.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Collections are named {prefix}_{embedding model}_{dimension}: a new model gets a new collection.</summary>
    [Required, RegularExpression("^[a-z0-9_-]{1,32}$", ErrorMessage = "Qdrant:CollectionPrefix must be 1-32 of a-z, 0-9, '_' or '-'.")]
    public string CollectionPrefix { get; set; } = "kp";

    /// <summary>Points sent per upsert call.</summary>
    [Range(1, 10_000)]
    public int UpsertBatchSize { get; set; } = 256;

    /// <summary>Deadline of one gRPC call.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts of a call that failed because Qdrant was unreachable, before the caller gets a 503 / a retried job.</summary>
    [Range(1, 10)]
    public int Attempts { get; set; } = 3;

    /// <summary>
    /// Tenants big enough for a shard of their own. When any are listed the collection is created with
    /// custom sharding: each of these tenants gets a shard key named after it, every other tenant shares
    /// the "shared" key. Fixed when the collection is created (decision 0022).
    /// </summary>
    public List<string> DedicatedTenants { get; set; } = [];

    [Range(1, 64)]
    public int ShardNumber { get; set; } = 1;

    [Range(1, 16)]
    public int ReplicationFactor { get; set; } = 1;

    /// <summary>
    /// The mean chunk length (in analyzer terms) that the sparse vectors' BM25 length normalisation assumes; Qdrant keeps
    /// no length statistics. k1 and b are the platform's (Bm25Parameters.Default, decision 0121), the same as the embedded index.
    /// </summary>
    [Range(1.0, 100_000.0)]
    public double Bm25AverageLength { get; set; } = 150;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return new ValidationResult($"Qdrant:Url must be an http(s) URL of Qdrant's gRPC port, like http://qdrant:6334 (got '{Url}').", [nameof(Url)]);
        if (Timeout <= TimeSpan.Zero)
            yield return new ValidationResult("Qdrant:Timeout must be positive.", [nameof(Timeout)]);
    }
}
