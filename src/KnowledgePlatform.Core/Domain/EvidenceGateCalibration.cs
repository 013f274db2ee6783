namespace KnowledgePlatform.Core.Domain;

/// <summary>
/// A knowledge base's evidence gate: a logistic model over the features of the evidence retrieved for a question
/// (see Rag/Evidence/EvidenceFeatures), giving the confidence that the evidence answers the question, and the
/// threshold (the operating point of the vertical) above which it answers. Fitted from pseudo-questions cut from the
/// knowledge base's own content, or from a curator's gold questions (`kp-bench eval --fit`); decision 0100.
/// </summary>
/// <param name="Weights">One weight per feature, in <c>EvidenceFeatures.Names</c> order.</param>
public sealed record EvidenceGateCalibration(IReadOnlyList<double> Weights, double Bias, double Threshold)
{
    /// <summary>default (the vertical's built-in model), pseudo-questions, or gold-questions.</summary>
    public string Source { get; init; } = SourceDefault;

    public DateTimeOffset? FittedAt { get; init; }

    /// <summary>Pseudo-questions (or gold questions) the model was fitted from.</summary>
    public int Questions { get; init; }

    /// <summary>How well it told answerable from unanswerable on those questions (AUC, cross-validated).</summary>
    public double? Auc { get; init; }

    /// <summary>The knowledge base's chunk count when it was fitted: a refit is due when the content has changed enough.</summary>
    public int ChunkCount { get; init; }

    /// <summary>How closely a question must match a FAQ entry's question to get that entry's answer directly (null: the default).</summary>
    public double? FaqThreshold { get; init; }

    public const string SourceDefault = "default";
    public const string SourcePseudoQuestions = "pseudo-questions";
    public const string SourceGoldQuestions = "gold-questions";
}
