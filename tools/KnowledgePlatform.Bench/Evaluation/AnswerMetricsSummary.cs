using KnowledgePlatform.Rag.Calibration;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>The answer figures of a run, with exactly the fields of `kp-bench eval --answers --out`'s "answers" object.</summary>
public sealed record AnswerMetricsSummary(
    int Answerable, int Correct, int Wrong, int FalseAbstentions,
    int Unanswerable, int Abstained, int AnsweredUnanswerable,
    double? GateAuc, double? NaiveGateAuc, double? SpanRecall)
{
    /// <summary>What a user is misled by: a wrong answer, or an answer to a question the knowledge base cannot answer (not written: the object has exactly the fields above).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Misleading => Wrong + AnsweredUnanswerable;
}
