using KnowledgePlatform.Bench.Evaluation;
using Xunit;

namespace KnowledgePlatform.Tests.Evaluation;

/// <summary>The answer evaluation's arithmetic on hand-made outcomes, against values worked out by hand below.</summary>
public sealed class AnswerMetricsTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Evaluation", "Fixture");

    [Fact]
    public void Outcomes_gate_aucs_and_span_recall_match_the_hand_computed_values()
    {
        AnswerOutcome[] outcomes =
        [
            // Answerable: two correct, one wrong, one false abstention.
            new(Answerable: true, Answered: true, FirstCitationRelevant: true) { Confidence = 0.9, NaiveConfidence = 0.7, SpanRecall = 0.8 },
            new(true, true, true) { Confidence = 0.8, NaiveConfidence = 0.7, SpanRecall = 0.4 },
            new(true, true, false) { Confidence = 0.4, NaiveConfidence = 0.7, SpanRecall = 0.0 },
            new(true, false, false) { Confidence = 0.6, NaiveConfidence = 0.7, SpanRecall = null },
            // Unanswerable: two abstained, one answered anyway.
            new(false, false, false) { Confidence = 0.5, NaiveConfidence = 0.7 },
            new(false, false, false) { Confidence = 0.3, NaiveConfidence = 0.7 },
            new(false, true, false) { Confidence = 0.8, NaiveConfidence = 0.7 },
        ];

        var summary = AnswerMetrics.Summarise(outcomes);

        Assert.Equal((4, 2, 1, 1), (summary.Answerable, summary.Correct, summary.Wrong, summary.FalseAbstentions));
        Assert.Equal((3, 2, 1), (summary.Unanswerable, summary.Abstained, summary.AnsweredUnanswerable));
        Assert.Equal(2, summary.Misleading);
        // Pairs won by the answerable confidences over the unanswerable ones (0.5, 0.3, 0.8):
        // 0.9 beats 3; 0.8 beats 2 and ties 1 (2.5); 0.4 beats 1; 0.6 beats 2 → 8.5 of 12 = 0.708333.
        Assert.Equal(8.5 / 12, summary.GateAuc!.Value, 6);
        // Every naive confidence is equal: every pair is a tie.
        Assert.Equal(0.5, summary.NaiveGateAuc!.Value, 6);
        // Span recall over the answered answerable questions: (0.8 + 0.4 + 0.0) / 3.
        Assert.Equal(0.4, summary.SpanRecall!.Value, 6);
    }

    [Fact]
    public void The_answers_object_written_by_eval_has_exactly_the_documented_fields()
    {
        var summary = new AnswerMetricsSummary(4, 2, 1, 1, 3, 2, 1, 0.7, 0.5, null);

        var json = System.Text.Json.JsonSerializer.SerializeToElement(summary, Web);

        Assert.Equal(["answerable", "correct", "wrong", "falseAbstentions", "unanswerable", "abstained", "answeredUnanswerable", "gateAuc", "naiveGateAuc", "spanRecall"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("spanRecall").ValueKind);
    }

    [Fact]
    public void Without_both_kinds_of_question_or_without_confidences_there_is_no_auc()
    {
        Assert.Null(AnswerMetrics.Auc([new(true, true, true) { Confidence = 0.9 }], o => o.Confidence));
        Assert.Null(AnswerMetrics.Auc([new(true, true, true) { Confidence = 0.9 }, new(false, false, false)], o => o.Confidence));
        Assert.Null(AnswerMetrics.Summarise([new(true, false, false)]).SpanRecall);
    }

    [Fact]
    public void Span_recall_is_the_share_of_the_gold_answers_content_words_in_the_answer()
    {
        // Gold content words: return, accepted, within, 30, day; the answer has return, within, 30, day.
        Assert.Equal(0.8, AnswerMetrics.SpanRecall("Returns are accepted within 30 days.", "You can return items within 30 days [1].")!.Value, 6);
        Assert.Null(AnswerMetrics.SpanRecall("the and of", "anything"));
    }

    [Fact]
    public async Task Leaving_out_documents_makes_questions_answerable_unanswerable_or_neither()
    {
        var dataset = await BeirDataset.LoadAsync(Fixture, TestContext.Current.CancellationToken);
        Assert.Equal("Returns are accepted within 30 days.", dataset.Answers["q1"]);
        Assert.False(dataset.Answers.ContainsKey("q3")); // not a judged query

        var none = AnswerabilitySplit.Of(dataset, 0, seed: 7);
        Assert.Empty(none.Removed);
        Assert.Equal(["q1", "q2"], none.Answerable.Select(q => q.Id));
        Assert.Empty(none.Unanswerable);

        foreach (var seed in Enumerable.Range(1, 20))
        {
            var split = AnswerabilitySplit.Of(dataset, 0.4, seed);
            Assert.Equal(2, split.Removed.Count); // 40 % of 5 documents
            Assert.Equal(split.Removed, AnswerabilitySplit.Of(dataset, 0.4, seed).Removed); // the seed decides
            Assert.Equal(3, split.Kept(dataset).Count);
            foreach (var q in split.Answerable) Assert.DoesNotContain(dataset.Qrels[q.Id].Keys, split.Removed.Contains);
            foreach (var q in split.Unanswerable) Assert.All(dataset.Qrels[q.Id].Keys, d => Assert.Contains(d, split.Removed));
            // q1 has two relevant documents: with exactly one of them removed it is neither answerable nor unanswerable.
            var q1Gone = dataset.Qrels["q1"].Keys.Count(split.Removed.Contains);
            Assert.Equal(q1Gone == 0, split.Answerable.Any(q => q.Id == "q1"));
            Assert.Equal(q1Gone == 2, split.Unanswerable.Any(q => q.Id == "q1"));
        }
    }
}
