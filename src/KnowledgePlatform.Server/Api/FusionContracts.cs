using System.ComponentModel;
using KnowledgePlatform.Core.Domain;

namespace KnowledgePlatform.Server.Api;

/// <summary>How a knowledge base weighs its two signals (decision 0120): the weight in use, where it comes from, and what its calibration measured.</summary>
public sealed record FusionDto(
    [property: Description("The dense weight of convex fusion in use (BM25 gets 1 minus it); null when the knowledge base uses reciprocal rank fusion.")] double? DenseWeight,
    [property: Description("curator (set in the retrieval settings, e.g. chosen on gold questions with kp-bench eval --fit), pseudo-questions (calibrated from the knowledge base's own content) or default (the vertical's weight, until it has enough content).")] string Source,
    DateTimeOffset? FittedAt,
    [property: Description("Pseudo-questions the calibration was fitted on.")] int Questions,
    [property: Description("Indexed chunks when it was calibrated; it is calibrated again when the content changes enough.")] int ChunkCount,
    [property: Description("nDCG@10 on those pseudo-questions of BM25 alone, dense alone, the fitted weight and the even weight 0.5. The weight is chosen on the curve averaged with its neighbouring weights, so that one question more or less does not swing it; the fitted weight's own figure can therefore be a little under the even weight's.")] FusionNdcgDto? Ndcg10)
{
    public const string SourceCurator = "curator";

    public static FusionDto Of(KnowledgeBase kb)
    {
        var calibration = kb.Fusion ?? FusionCalibration.Default(kb.Vertical);
        var curator = kb.Retrieval.DenseWeight is not null || kb.Retrieval.Fusion == FusionMethod.Rrf;
        var ndcg = calibration.FusedNdcg10 is { } fused
            ? new FusionNdcgDto(calibration.KeywordNdcg10 ?? 0, calibration.DenseNdcg10 ?? 0, fused, calibration.EvenNdcg10 ?? 0)
            : null;
        return new(kb.Retrieval.Fusion == FusionMethod.Rrf ? null : kb.SearchSettings.DenseWeight, curator ? SourceCurator : calibration.Source,
            calibration.FittedAt, calibration.Questions, calibration.ChunkCount, ndcg);
    }
}

public sealed record FusionNdcgDto(double Bm25, double Dense, double Fused, double EvenWeight);
