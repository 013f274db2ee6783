using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Rag.Calibration;
using Xunit;

namespace KnowledgePlatform.Tests.Retrieval;

public sealed class FusionCalibratorTests
{
    private static ChunkPayload Chunk(string doc, string text = "text") => new($"{doc}#0", "t", "kb", doc, "", "f.md", 0, text, "", null, null, ChunkKind.Text);

    /// <summary>A question whose relevant document one signal ranks first and the other ranks tenth behind nine decoys.</summary>
    private static FusionExample Example(int n, bool denseFindsIt)
    {
        var relevant = Chunk($"rel{n}");
        var decoys = Enumerable.Range(0, 25).Select(i => Chunk($"decoy{n}-{i}")).ToList();
        var strong = new[] { new ChunkHit(relevant, 1.0) }.Concat(decoys.Select((d, i) => new ChunkHit(d, 0.9 - i * 0.01))).ToList();
        var weak = decoys.Take(9).Select((d, i) => new ChunkHit(d, 1.0 - i * 0.01)).Append(new ChunkHit(relevant, 0.5))
            .Concat(decoys.Skip(9).Select((d, i) => new ChunkHit(d, 0.4 - i * 0.01))).ToList();
        var question = new PseudoQuestion(PseudoQuestionKind.Title, $"question {n}", [relevant], [relevant]);
        return new FusionExample(question, denseFindsIt ? strong : weak, denseFindsIt ? weak : strong, new Dictionary<string, int> { [relevant.DocumentId] = 1 });
    }

    [Fact]
    public void Where_dense_finds_what_bm25_misses_the_weight_leans_to_dense_but_keeps_a_share_for_bm25()
    {
        var fit = FusionCalibrator.Fit(Enumerable.Range(0, 30).Select(i => Example(i, denseFindsIt: true)).ToList(), 300, DateTimeOffset.UnixEpoch)!;

        Assert.True(fit.DenseWeight is > 0.5 and <= 0.9, $"weight {fit.DenseWeight}");
        Assert.Equal(FusionCalibration.SourcePseudoQuestions, fit.Source);
        Assert.True(fit.DenseNdcg10 > fit.KeywordNdcg10);
        Assert.Equal(30, fit.Questions);
    }

    [Fact]
    public void Where_bm25_finds_what_dense_misses_the_weight_leans_to_bm25()
    {
        var fit = FusionCalibrator.Fit(Enumerable.Range(0, 30).Select(i => Example(i, denseFindsIt: false)).ToList(), 300, DateTimeOffset.UnixEpoch)!;

        Assert.True(fit.DenseWeight is < 0.5 and >= 0.1, $"weight {fit.DenseWeight}");
        Assert.True(fit.FusedNdcg10 >= fit.EvenNdcg10);
    }

    [Fact]
    public void Too_few_pseudo_questions_leave_the_vertical_default()
    {
        Assert.Null(FusionCalibrator.Fit(Enumerable.Range(0, FusionCalibrator.MinQuestions - 1).Select(i => Example(i, true)).ToList(), 10, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void A_curators_weight_overrides_the_calibration_and_the_calibration_the_vertical_default()
    {
        var kb = new KnowledgeBase { Id = "kb", TenantId = "t", Name = "kb", EmbeddingModel = "m", EmbeddingDimension = 4, Vertical = Vertical.CustomerService };
        Assert.Equal(FusionCalibration.Default(Vertical.CustomerService).DenseWeight, kb.SearchSettings.DenseWeight);

        kb.Fusion = new FusionCalibration(0.8) { Source = FusionCalibration.SourcePseudoQuestions };
        Assert.Equal(0.8, kb.SearchSettings.DenseWeight);

        kb.Retrieval = new RetrievalSettings { DenseWeight = 0.3 };
        Assert.Equal(0.3, kb.SearchSettings.DenseWeight);
    }

    [Fact]
    public void A_sentence_pseudo_question_is_cut_out_of_its_chunk()
    {
        var chunks = Enumerable.Range(0, 5).Select(i => Chunk($"d{i}", $"Vaccines are stored cold in clinic {i}. Frozen vaccines lose their potency quickly. Check the fridge daily.")).ToList();

        var questions = PseudoQuestions.Sentences(chunks, 3);

        Assert.Equal(3, questions.Count);
        Assert.All(questions, q =>
        {
            Assert.Equal(PseudoQuestionKind.Sentence, q.Kind);
            Assert.Contains(q.Question, q.Sources[0].Text);
            Assert.DoesNotContain(q.Question, q.Masked[0].Text);
        });
    }

    [Fact]
    public void The_fusion_is_fitted_on_titles_worded_as_questions_and_sentences_not_on_titles_that_name_a_topic()
    {
        var chunks = new[]
        {
            Chunk("d1", "Wash your hands for twenty seconds with soap. Dry them on a clean towel afterwards.") with { DocumentTitle = "How do I wash my hands properly?" },
            Chunk("d2", "Connect the remote to the television first. Then hold the pairing button for three seconds.") with { DocumentTitle = "Pairing the Smart Remote" },
        };

        var questions = FusionCalibrator.Questions(chunks, PseudoQuestions.Cut(chunks, 150));

        Assert.Contains(questions, q => q is { Kind: PseudoQuestionKind.Title, Question: "How do I wash my hands properly?" });
        Assert.DoesNotContain(questions, q => q.Question == "Pairing the Smart Remote");
        Assert.Contains(questions, q => q.Kind == PseudoQuestionKind.Sentence);
        Assert.Contains(PseudoQuestions.Cut(chunks, 150), q => q.Question == "Pairing the Smart Remote");
    }

    [Theory]
    [InlineData("Should I be tested for COVID-19?", true)]
    [InlineData("How to install the app", true)]
    [InlineData("what is the warranty", true)]
    [InlineData("What's in the box", true)]
    [InlineData("Is the vaccine safe for children", true)]
    [InlineData("¿Cuánto dura la garantía", true)]
    [InlineData("保修期多长？", true)]
    [InlineData("Configuring a Sound Mode and Expert Settings", false)]
    [InlineData("Virus-Vectored Influenza Virus Vaccines", false)]
    [InlineData("Whatever happened to the warranty card", false)]
    [InlineData("", false)]
    public void A_title_is_worded_as_a_question_when_it_ends_with_a_question_mark_or_opens_with_a_question_word(string title, bool expected) =>
        Assert.Equal(expected, PseudoQuestions.IsWordedAsQuestion(title));
}
