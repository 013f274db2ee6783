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
    public void A_document_without_a_title_is_asked_for_by_its_opening_sentence_cut_out_of_its_first_chunk()
    {
        var untitled = new[]
        {
            Chunk("d1", "Statins lower cholesterol in adults with diabetes. The trial followed 400 patients.") with { ChunkId = "d1#1", Ordinal = 1 },
            Chunk("d1", "Metformin reduces hepatic glucose output in type 2 diabetes. It is taken with meals."),
        };
        var titled = Chunk("d2", "Insulin pens are kept in the fridge. Once opened they keep for a month.") with { DocumentTitle = "Storing insulin pens" };

        var leads = PseudoQuestions.Leads([.. untitled, titled], 10);

        var lead = Assert.Single(leads);
        Assert.Equal(PseudoQuestionKind.Lead, lead.Kind);
        Assert.Equal("Metformin reduces hepatic glucose output in type 2 diabetes.", lead.Question);
        Assert.Equal("d1#0", lead.Sources[0].ChunkId);
        Assert.DoesNotContain("Metformin", lead.Masked[0].Text);
        Assert.Contains("taken with meals", lead.Masked[0].Text);
    }

    [Fact]
    public void Opening_sentences_stand_in_for_titles_only_in_a_knowledge_base_without_titles_or_headings()
    {
        var untitled = Enumerable.Range(0, 3).Select(i => Chunk($"d{i}", $"Metformin reduces hepatic glucose output in clinic {i}. It is taken with meals.")).ToList();
        var titled = untitled.Select(c => c with { DocumentTitle = $"Metformin guidance {c.DocumentId}" }).ToList();

        Assert.Contains(FusionCalibrator.Questions(untitled, PseudoQuestions.Cut(untitled, 150)), q => q.Kind == PseudoQuestionKind.Lead);
        Assert.DoesNotContain(FusionCalibrator.Questions(titled, PseudoQuestions.Cut(titled, 150)), q => q.Kind == PseudoQuestionKind.Lead);
    }
}
