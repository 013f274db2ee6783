using System.ComponentModel;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Evidence;

namespace KnowledgePlatform.Server.Api;

/// <summary>A knowledge base's evidence gate as the API shows it: where it comes from, when, from how many questions, and its operating point.</summary>
public sealed record EvidenceGateDto(
    [property: Description("default (the vertical's gate, until the knowledge base has enough content), pseudo-questions (calibrated from its own content) or gold-questions (set from a curator's judged questions).")] string Source,
    DateTimeOffset? FittedAt,
    [property: Description("Pseudo-questions (or gold questions) it was calibrated from.")] int Questions,
    [property: Description("How well its score told answerable from unanswerable on those questions (AUC).")] double? Auc,
    [property: Description("The operating point: the confidence (0 to 1) from which the evidence is taken to answer.")] double Threshold,
    [property: Description("Indexed chunks when it was calibrated; it is calibrated again when the content changes enough.")] int ChunkCount)
{
    public static EvidenceGateDto Of(KnowledgeBase kb)
    {
        var gate = kb.EvidenceGate ?? EvidenceGateDefaults.For(kb.Vertical);
        return new(gate.Source, gate.FittedAt, gate.Questions, gate.Auc, gate.Threshold, gate.ChunkCount);
    }
}

/// <summary>A gate fitted on a curator's judged questions (`kp-bench eval --answers --fit` prints it): it replaces self-calibration until deleted.</summary>
public sealed record EvidenceGateRequest(
    [property: Description("One weight per gate feature (dense_top, dense_margin, agreement, lexical_ratio, dense_gap, coverage_best).")] IReadOnlyList<double> Weights,
    double Bias,
    [property: Description("Confidence (0 to 1) from which the evidence answers.")] double Threshold,
    [property: Description("How many judged questions it was fitted on.")] int Questions,
    double? Auc = null);
