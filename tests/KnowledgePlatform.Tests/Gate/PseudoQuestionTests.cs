using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Core.Ports;
using KnowledgePlatform.Rag.Calibration;
using Xunit;

namespace KnowledgePlatform.Tests.Gate;

/// <summary>Pseudo-questions are cut from a knowledge base's own content and never left in the text they are scored against.</summary>
public sealed class PseudoQuestionTests
{
    private static ChunkPayload Chunk(string id, string document, string title, string heading, string text, ChunkKind kind = ChunkKind.Text) =>
        new(id, "t", "kb", document, title, document + ".md", 0, text, heading, null, null, kind);

    private static readonly ChunkPayload[] Content =
    [
        Chunk("faq", "faq", "Questions", "", "Q: How long does standard delivery take?\nA: Standard delivery takes three to five working days.", ChunkKind.QuestionAnswer),
        Chunk("table", "dosing", "Drug dosing", "Adults",
            "| Drug | Dose |\n| --- | --- |\n| Metformin tablets | 500 mg twice daily |\n| Gliclazide tablets | 40 mg daily |", ChunkKind.Table),
        Chunk("warranty-1", "warranty", "Warranty policy", "Warranty policy › Battery cover", "Battery cover: batteries are covered for twelve months."),
        Chunk("warranty-2", "warranty", "Warranty policy", "Warranty policy › Battery cover", "Worn batteries are replaced once."),
    ];

    [Fact]
    public void Faq_questions_table_row_keys_headings_and_titles_become_pseudo_questions()
    {
        var questions = PseudoQuestions.Cut(Content, max: 100);

        Assert.Contains(questions, q => q.Kind == PseudoQuestionKind.Faq && q.Question == "How long does standard delivery take?");
        Assert.Contains(questions, q => q.Kind == PseudoQuestionKind.TableRow && q.Question == "Metformin tablets Adults");
        Assert.Contains(questions, q => q.Kind == PseudoQuestionKind.Heading && q.Question == "Battery cover" && q.Sources.Count == 2);
        Assert.Contains(questions, q => q.Kind == PseudoQuestionKind.Title && q.Question == "Warranty policy");
        // A one-word title ("Questions") is too thin to be a question.
        Assert.DoesNotContain(questions, q => q.Question == "Questions");
    }

    [Fact]
    public void A_pseudo_question_is_masked_out_of_the_chunks_it_was_cut_from()
    {
        var questions = PseudoQuestions.Cut(Content, max: 100);

        var faq = questions.Single(q => q.Kind == PseudoQuestionKind.Faq);
        Assert.Equal("A: Standard delivery takes three to five working days.", Assert.Single(faq.Masked).Text);
        var row = questions.Single(q => q.Question == "Metformin tablets Adults");
        Assert.DoesNotContain("Metformin", Assert.Single(row.Masked).Text, StringComparison.Ordinal);
        Assert.Contains("500 mg twice daily", row.Masked[0].Text, StringComparison.Ordinal);
        var heading = questions.Single(q => q.Kind == PseudoQuestionKind.Heading);
        Assert.All(heading.Masked, m => Assert.Equal("Warranty policy", m.HeadingPath));
        Assert.All(heading.Masked, m => Assert.DoesNotContain("Battery cover", m.Text, StringComparison.OrdinalIgnoreCase));
        var title = questions.Single(q => q.Kind == PseudoQuestionKind.Title && q.Question == "Warranty policy");
        Assert.All(title.Masked, m => Assert.Equal("", m.DocumentTitle));
        Assert.Equal(["warranty"], title.DocumentIds);
    }

    [Fact]
    public void The_sample_is_seeded_spread_over_the_kinds_and_capped()
    {
        var first = PseudoQuestions.Cut(Content, max: 3, seed: 5);

        Assert.Equal(3, first.Count);
        Assert.Equal(3, first.Select(q => q.Kind).Distinct().Count());
        Assert.Equal(first.Select(q => q.Question), PseudoQuestions.Cut(Content, max: 3, seed: 5).Select(q => q.Question));
    }
}
