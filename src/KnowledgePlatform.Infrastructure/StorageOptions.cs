using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Infrastructure;

/// <summary>Configuration section "Storage".</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Folder for the embedded database, indexes and uploaded files.</summary>
    [Required]
    public string DataPath { get; set; } = "./data";

    /// <summary>Metadata database: "sqlite" (embedded, the default).</summary>
    [Required, RegularExpression("^(sqlite)$", ErrorMessage = "Storage:Provider must be 'sqlite'.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>Overrides the database location; by default {DataPath}/knowledge.db.</summary>
    public string? ConnectionString { get; set; }

    public string FullDataPath => Path.GetFullPath(DataPath);
}
