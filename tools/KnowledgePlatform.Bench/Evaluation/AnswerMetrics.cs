using KnowledgePlatform.Rag.Calibration;

namespace KnowledgePlatform.Bench.Evaluation;

/// <summary>
/// The arithmetic of answer evaluation. Answerable questions end correct (answered, first citation relevant), wrong
/// (answered, first citation not relevant) or as a false abstention; unanswerable ones are abstained from or answered
/// anyway. The AUCs are the probability that a random answerable question gets a higher confidence than a random
/// unanswerable one (ties count half: the Mann–Whitney statistic). Span recall is the mean over the answered
/// answerable questions that have a gold answer.
/// </summary>
public static class AnswerMetrics
{
    public static AnswerMetricsSummary Summarise(IReadOnlyList<AnswerOutcome> outcomes)
    {
        var answerable = outcomes.Where(o => o.Answerable).ToList();
        var unanswerable = outcomes.Where(o => !o.Answerable).ToList();
        var spans = answerable.Where(o => o.Answered && o.SpanRecall is not null).Select(o => o.SpanRecall!.Value).ToList();
        return new AnswerMetricsSummary(
            answerable.Count,
            answerable.Count(o => o.Answered && o.FirstCitationRelevant),
            answerable.Count(o => o.Answered && !o.FirstCitationRelevant),
            answerable.Count(o => !o.Answered),
            unanswerable.Count,
            unanswerable.Count(o => !o.Answered),
            unanswerable.Count(o => o.Answered),
            Auc(outcomes, o => o.Confidence),
            Auc(outcomes, o => o.NaiveConfidence),
            spans.Count == 0 ? null : spans.Average());
    }

    /// <summary>The AUC of a confidence for telling answerable from unanswerable questions; null without both kinds or without confidences.</summary>
    public static double? Auc(IReadOnlyList<AnswerOutcome> outcomes, Func<AnswerOutcome, double?> confidence)
    {
        var positives = outcomes.Where(o => o.Answerable).Select(confidence).ToList();
        var negatives = outcomes.Where(o => !o.Answerable).Select(confidence).ToList();
        if (positives.Concat(negatives).Any(c => c is null)) return null;
        return ScoreSeparation.Auc(positives.Select(c => c!.Value).ToList(), negatives.Select(c => c!.Value).ToList());
    }

    /// <summary>Share of the gold answer's distinct content words (Terms.Of) that the answer contains; null for an empty gold answer.</summary>
    public static double? SpanRecall(string gold, string answer)
    {
        var goldTerms = Core.Text.Terms.Of(gold).ToHashSet();
        if (goldTerms.Count == 0) return null;
        var answerTerms = Core.Text.Terms.Of(answer).ToHashSet();
        return (double)goldTerms.Count(answerTerms.Contains) / goldTerms.Count;
    }
}
