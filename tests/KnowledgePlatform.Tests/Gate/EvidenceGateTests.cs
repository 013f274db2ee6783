using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Rag.Calibration;
using KnowledgePlatform.Rag.Evidence;
using KnowledgePlatform.Rag.Retrieval;
using Xunit;

namespace KnowledgePlatform.Tests.Gate;

/// <summary>The evidence gate's features, score and calibration.</summary>
public sealed class EvidenceGateTests
{
    private static RetrievedChunk Candidate(string id, string text, double? dense, string document = "") =>
        new(new ChunkPayload(id, "t", "kb", document.Length > 0 ? document : "doc-" + id, "", "f.md", 0, text, "", null, null, ChunkKind.Text), 0, dense, null, null, null);

    [Fact]
    public void Both_signals_agreeing_on_one_chunk_scores_higher_than_the_dense_signal_alone()
    {
        const string question = "How much does metformin cost per month?";
        RetrievedChunk[] agreeing = [Candidate("a", "Metformin costs about 5 dollars per month.", 0.80), Candidate("b", "Insulin prices vary.", 0.70)];
        RetrievedChunk[] disagreeing = [Candidate("a", "Insulin prices vary by brand.", 0.80), Candidate("b", "Metformin costs about 5 dollars per month.", 0.70)];

        var agree = EvidenceFeatures.Of(question, agreeing);
        var disagree = EvidenceFeatures.Of(question, disagreeing);

        Assert.Equal(1.0, agree.Values[Array.IndexOf(EvidenceFeatures.Names, "agreement")]);
        Assert.Equal(0.5, disagree.Values[Array.IndexOf(EvidenceFeatures.Names, "agreement")]);
        Assert.True(agree.Score > disagree.Score);
    }

    [Theory]
    [InlineData("What is the clinic blood pressure target for an 83-year-old with hypertension?", 0)]
    [InlineData("I'm 68 and think I have cystitis. Can I get antibiotics from the pharmacist?", 0)]
    [InlineData("What is the clinic blood pressure target for hypertension with HomeKit?", 1)]
    [InlineData("Which blood pressure target for the Vision 65?", 1)]
    public void The_askers_own_age_or_reading_is_not_a_name_the_evidence_must_hold(string question, int missing)
    {
        RetrievedChunk[] pool =
        [
            Candidate("a", "Clinic blood pressure target: below 140/90 mmHg for adults aged under 80 with hypertension.", 0.8),
            Candidate("b", "A pharmacist may offer antibiotics for cystitis in women aged 16 to 64. The Vision 55 is a television.", 0.7),
        ];

        Assert.Equal(missing, EvidenceGate.MissingNames(question, pool));
    }

    [Fact]
    public void A_document_that_leads_the_dense_choice_only_by_a_near_tie_on_lexical_score_does_not_count_as_disagreement()
    {
        const string question = "What is the first-choice antibiotic for uncomplicated cystitis?";
        // Two documents both answer: the dense choice holds nearly all the words the lexical leader holds.
        RetrievedChunk[] nearTie =
        [
            Candidate("table", "Uncomplicated cystitis: first-choice antibiotic nitrofurantoin.", 0.80),
            Candidate("leaflet", "Uncomplicated cystitis first-choice antibiotic: nitrofurantoin, the first choice antibiotic.", 0.70),
            Candidate("other", "Asthma inhalers.", 0.60),
        ];
        RetrievedChunk[] clearLead = [Candidate("a", "Insulin prices vary by brand.", 0.80), Candidate("b", "Uncomplicated cystitis: first-choice antibiotic nitrofurantoin.", 0.70)];

        var agreement = Array.IndexOf(EvidenceFeatures.Names, "agreement");
        var ratio = EvidenceFeatures.Of(question, nearTie).Values[Array.IndexOf(EvidenceFeatures.Names, "lexical_ratio")];

        Assert.InRange(ratio, EvidenceFeatures.NearTie, 0.999);
        Assert.Equal(1.0, EvidenceFeatures.Of(question, nearTie).Values[agreement]);
        Assert.Equal(0.5, EvidenceFeatures.Of(question, clearLead).Values[agreement]);
    }

    [Fact]
    public void A_candidate_only_bm25_returned_counts_as_dense_similarity_zero_though_it_carries_its_similarity()
    {
        const string question = "What is the dose of trimethoprim?";
        var lexicalOnly = Candidate("row", "Trimethoprim dose: 200 mg twice a day.", 0.75) with { KeywordRank = 1, KeywordScore = 7.0 };
        var denseBest = Candidate("other", "Amoxicillin: 500 mg three times a day.", 0.80) with { DenseRank = 1 };
        var gap = Array.IndexOf(EvidenceFeatures.Names, "dense_gap");

        var asSearched = EvidenceFeatures.Of(question, [lexicalOnly, denseBest]).Values[gap];
        var foundByBoth = EvidenceFeatures.Of(question, [lexicalOnly with { DenseRank = 2 }, denseBest]).Values[gap];

        Assert.Equal(-0.80, asSearched, 6);
        Assert.Equal(-0.05, foundByBoth, 6);
    }

    [Fact]
    public void The_calibrated_confidence_is_the_logistic_of_the_score_and_no_evidence_never_answers()
    {
        var calibration = EvidenceFeatures.Calibration(slope: 1.5, intercept: -0.2, threshold: 0.5);
        var pool = new[] { Candidate("a", "Metformin costs about 5 dollars per month.", 0.8) };
        var features = EvidenceFeatures.Of("metformin cost", pool);

        var assessment = EvidenceGate.Assess("metformin cost", pool, calibration);

        Assert.Equal(1 / (1 + Math.Exp(-(1.5 * features.Score - 0.2))), assessment.Confidence, 9);
        Assert.Equal(assessment.Confidence >= 0.5, assessment.Answers);
        var empty = EvidenceGate.Assess("metformin cost", [], calibration);
        Assert.Equal((0.0, false), (empty.Confidence, empty.Answers));
    }

    [Fact]
    public void A_masked_chunk_takes_its_originals_place_and_unmasked_source_chunks_leave_the_pool()
    {
        RetrievedChunk[] pool = [Candidate("x", "other", 0.9), Candidate("s1", "source one", 0.8), Candidate("s2", "source two", 0.7), Candidate("y", "other two", 0.6)];
        var masked = Candidate("s1", "masked one", 0.5);

        var result = GateCalibrator.WithMasked(pool, new HashSet<string> { "s1", "s2" }, [masked]);

        Assert.Equal(["x", "s1", "y"], result.Select(c => c.Chunk.ChunkId));
        Assert.Equal("masked one", result[1].Chunk.Text);
        // A masked chunk retrieval had not found goes where its dense similarity puts it.
        var placed = GateCalibrator.WithMasked([Candidate("x", "other", 0.9), Candidate("y", "other two", 0.6)], new HashSet<string> { "s1" }, [masked with { DenseScore = 0.7 }]);
        Assert.Equal(["x", "s1", "y"], placed.Select(c => c.Chunk.ChunkId));
    }

    [Fact]
    public void The_threshold_lets_the_verticals_share_of_unanswerable_questions_through()
    {
        // Unanswerable examples at 0.1 … 1.0 (ten of them), answerable ones anywhere.
        var scores = Enumerable.Range(1, 10).Select(i => i / 10.0).Concat([0.9, 0.95, 0.99]).ToList();
        var labels = Enumerable.Repeat(0, 10).Concat([1, 1, 1]).ToList();

        // Medical lets 15 % through: the 85th percentile of 0.1 … 1.0 (linear interpolation) is 0.865.
        Assert.Equal(0.865, GateCalibrator.Threshold(scores, labels, GateOperatingPoint.For(Vertical.Medical)), 9);
        // Customer service lets 60 % through: the 40th percentile is 0.46.
        Assert.Equal(0.46, GateCalibrator.Threshold(scores, labels, GateOperatingPoint.For(Vertical.CustomerService)), 9);
    }

    [Fact]
    public void The_threshold_never_turns_away_more_answerable_examples_than_the_operating_point_allows()
    {
        // Unanswerable examples that score as high as answerable ones (content that repeats itself): the 85th percentile
        // of the unanswerable ones (0.865) would turn away most answerable ones; the 30th percentile of those caps it.
        var scores = Enumerable.Range(1, 10).Select(i => i / 10.0).Concat(Enumerable.Range(0, 11).Select(i => 0.5 + i / 20.0)).ToList();
        var labels = Enumerable.Repeat(0, 10).Concat(Enumerable.Repeat(1, 11)).ToList();

        Assert.Equal(0.65, GateCalibrator.Threshold(scores, labels, GateOperatingPoint.For(Vertical.Medical)), 9);
    }

    [Fact]
    public void Logistic_regression_finds_the_direction_that_separates_the_labels()
    {
        var x = Enumerable.Range(0, 40).Select(i => new[] { i / 40.0, (i * 7 % 11) / 11.0 }).ToList();
        var y = x.Select(r => r[0] > 0.5 ? 1 : 0).ToList();

        var (weights, bias) = LogisticModel.Fit(x, y);

        Assert.True(weights[0] > 5 * Math.Abs(weights[1]), $"weights {weights[0]} {weights[1]}");
        Assert.True(LogisticModel.Sigmoid(weights[0] * 0.9 + weights[1] * 0.5 + bias) > 0.8);
        Assert.True(LogisticModel.Sigmoid(weights[0] * 0.1 + weights[1] * 0.5 + bias) < 0.2);
    }
}
