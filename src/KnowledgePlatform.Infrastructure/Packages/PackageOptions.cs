using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Infrastructure.Packages;

/// <summary>Configuration section "Packages": limits on imported knowledge-base packages (decision 0043).</summary>
public sealed class PackageOptions
{
    public const string Section = "Packages";

    /// <summary>Largest package (the zip itself) an import accepts.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxPackageBytes { get; set; } = 1L << 30;

    /// <summary>Most bytes all entries may decompress to together: a zip bomb stops here, whatever its headers claim.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUnpackedBytes { get; set; } = 4L << 30;

    /// <summary>Most entries a package may hold.</summary>
    [Range(2, int.MaxValue)]
    public int MaxEntries { get; set; } = 100_000;
}

// The package format, version 1 (decision 0043). Ids inside are the exporter's and only link chunks to
// documents within the package; no tenant id is written, and none would be read.
