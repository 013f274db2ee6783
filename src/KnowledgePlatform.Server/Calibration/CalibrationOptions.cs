using System.ComponentModel.DataAnnotations;

namespace KnowledgePlatform.Server.Calibration;

/// <summary>Configuration section "Calibration": when knowledge bases calibrate themselves from their content.</summary>
public sealed class CalibrationOptions
{
    public const string Section = "Calibration";

    /// <summary>How often the scheduler looks for knowledge bases due a calibration.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A knowledge base is calibrated only once nothing of it has been ingested or changed for this long.</summary>
    public TimeSpan Quiet { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A calibration is redone when the chunk count has changed by this share since (and by at least <see cref="MinChangedChunks"/>).</summary>
    [Range(0.0, 10.0)]
    public double ChangeShare { get; set; } = 0.1;

    [Range(1, 1_000_000)]
    public int MinChangedChunks { get; set; } = 20;

    /// <summary>Chunks read to cut pseudo-questions from (a seeded sample of larger knowledge bases).</summary>
    [Range(100, 1_000_000)]
    public int MaxChunks { get; set; } = 5000;

    public bool Enabled { get; set; } = true;
}
