namespace KnowledgePlatform.Core.Domain;

/// <summary>
/// A knowledge base's own fusion (decision 0120): the dense weight of convex fusion fitted on pseudo-questions cut from
/// its content, with what the fit saw (nDCG@10 of each signal and of the fusion on those questions), or the vertical's
/// default until it has enough content. A dense weight a curator sets (by hand, or chosen on gold questions with
/// <c>kp-bench eval --fit</c>) in <see cref="KnowledgeBase.Retrieval"/> overrides it.
/// </summary>
public sealed record FusionCalibration(double DenseWeight)
{
    /// <summary><see cref="SourceDefault"/> (the vertical's weight) or <see cref="SourcePseudoQuestions"/>.</summary>
    public string Source { get; init; } = SourceDefault;

    public DateTimeOffset? FittedAt { get; init; }

    /// <summary>Pseudo-questions the weight was fitted on.</summary>
    public int Questions { get; init; }

    /// <summary>The knowledge base's chunk count when it was fitted: a refit is due when the content has changed enough.</summary>
    public int ChunkCount { get; init; }

    /// <summary>nDCG@10 on the pseudo-questions: BM25 alone, dense alone, the fitted fusion, and the default weight 0.5.</summary>
    public double? KeywordNdcg10 { get; init; }
    public double? DenseNdcg10 { get; init; }
    public double? FusedNdcg10 { get; init; }
    public double? EvenNdcg10 { get; init; }

    public const string SourceDefault = "default";
    public const string SourcePseudoQuestions = "pseudo-questions";

    /// <summary>The vertical's dense weight for a knowledge base too small to calibrate (measured in docs/benchmarks/retrieval.md).</summary>
    public static FusionCalibration Default(Vertical vertical) => new(vertical switch
    {
        Vertical.CustomerService => 0.6,
        Vertical.Medical => 0.5,
        _ => 0.5,
    });
}
