using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Infrastructure;

/// <summary>Configuration section "Storage".</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string EmbeddedIndex = "embedded";
    public const string QdrantIndex = "qdrant";

    /// <summary>Folder for the embedded database, indexes and uploaded files.</summary>
    [Required]
    public string DataPath { get; set; } = "./data";

    /// <summary>Metadata database: "sqlite" (embedded, the default) or "postgres".</summary>
    [Required, RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// The metadata database's connection string: required for postgres
    /// ("Host=…;Port=5432;Database=kp;Username=…;Password=…"); for sqlite it overrides {DataPath}/knowledge.db.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending schema migrations at start-up; switch off to run `kp db migrate` as a separate deployment step.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Chunk index: "embedded" (partitioned vectors + our BM25 index under DataPath, the default) or "qdrant" (section "Qdrant").</summary>
    [Required, RegularExpression("^(embedded|qdrant)$", ErrorMessage = "Storage:Index must be 'embedded' or 'qdrant'.")]
    public string Index { get; set; } = EmbeddedIndex;

    /// <summary>How the embedded index stores the vectors of the knowledge bases it creates (decision 0165).</summary>
    public Indexing.VectorPrecision VectorPrecision { get; set; } = Indexing.VectorPrecision.Float16;

    public string FullDataPath => Path.GetFullPath(DataPath);

    public bool IsPostgres => Provider == Postgres;

    public bool IsQdrant => Index == QdrantIndex;

    /// <summary>The connection string in use: the configured one, or the embedded database file.</summary>
    public string EffectiveConnectionString =>
        ConnectionString ?? $"Data Source={Path.Combine(FullDataPath, "knowledge.db")};Pooling=True";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult(
                "Storage:ConnectionString is required when Storage:Provider is 'postgres' (for example Host=db;Port=5432;Database=kp;Username=kp;Password=…).",
                [nameof(ConnectionString)]);
    }
}
