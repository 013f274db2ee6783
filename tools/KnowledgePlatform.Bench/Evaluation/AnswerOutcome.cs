using KnowledgePlatform.Rag.Calibration;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// One question's outcome under one answering policy: whether the knowledge base could answer it (its relevant documents
/// are all present), whether an answer was given, whether the answer's first citation is a relevant document, the gate's
/// confidences (for the AUCs) and the share of the gold answer's words found in the answer.
/// </summary>
public sealed record AnswerOutcome(bool Answerable, bool Answered, bool FirstCitationRelevant)
{
    /// <summary>The evidence gate's confidence that the evidence answers the question.</summary>
    public double? Confidence { get; init; }

    /// <summary>The naive gate's confidence: the top dense similarity.</summary>
    public double? NaiveConfidence { get; init; }

    /// <summary>For an answered answerable question with a gold answer: the share of the gold answer's content words in the answer text.</summary>
    public double? SpanRecall { get; init; }
}
