using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Answering.Extractive;
using Xunit;
using static KnowledgePlatform.Tests.Answering.ExtractiveAnswererTests;

namespace KnowledgePlatform.Tests.Answering;

/// <summary>The words a sentence writes only under a negation, and what the answerer does with them.</summary>
public sealed class NegatedWordsTests
{
    [Fact]
    public void The_words_after_a_negation_to_the_end_of_its_clause_are_negated() =>
        Assert.Equal(["need", "anticoagul"], NegatedWords.Of("A woman whose only point is female sex (score 1) does not need anticoagulation."));

    [Fact]
    public void A_word_the_sentence_also_affirms_is_not_negated() =>
        Assert.Equal(["aspirin"], NegatedWords.Of("Offer a DOAC, and do not offer aspirin."));

    [Theory]
    [InlineData("Which CHA2DS2-VASc score needs an anticoagulant for atrial fibrillation?", true)]
    [InlineData("Does a woman with a score of 1 need anticoagulation?", false)]   // asks whether: "does not need" answers it
    [InlineData("What is not covered by the warranty?", false)]                    // negates itself
    [InlineData("CKD patient with a potassium of 5.3 - can I start an ACE inhibitor?", false)]  // asks whether after a dash
    public void Only_a_question_that_asks_which_or_what_and_negates_nothing_sets_negated_words_aside(string question, bool apply) =>
        Assert.Equal(apply, NegatedWords.Apply(question));

    [Fact]
    public async Task A_sentence_that_holds_the_questions_words_only_under_a_negation_does_not_answer_which()
    {
        const string items = "- Offer anticoagulation to people with a CHA2DS2-VASc score of 2 or above, taking bleeding risk into account.\n" +
            "- Consider anticoagulation for men with a score of 1.\n" +
            "- Female sex on its own is a risk modifier rather than a risk factor: a woman whose only point is female sex (score 1) does not need anticoagulation.\n" +
            "- Do not offer aspirin monotherapy for stroke prevention in AF.";
        var (text, _, done) = await Answer("Which CHA2DS2-VASc score needs an anticoagulant for atrial fibrillation?",
            Evidence("who", items, ChunkKind.Text, "Atrial Fibrillation: Stroke Prevention and Anticoagulation",
                "Atrial Fibrillation: Stroke Prevention and Anticoagulation › Stroke risk: CHA2DS2-VASc › Who should be anticoagulated", 0.955, 0.800));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.Contains("score of 2 or above", text);
        Assert.DoesNotContain("does not need", text);
    }

    [Theory]
    [InlineData("What is not covered by the warranty?", true)]
    [InlineData("Which items can't be returned?", true)]
    [InlineData("What if my robot doesn't charge?", false)]             // the negation is a condition
    [InlineData("What should I do when the TV won't turn on?", false)]
    [InlineData("Why isn't my Aura connecting?", false)]
    [InlineData("What does the warranty cover?", false)]
    public void A_question_that_asks_what_under_its_own_negation_asks_what_is_not(string question, bool asks) =>
        Assert.Equal(asks, NegatedWords.AsksWhatIsNot(question));

    [Fact]
    public async Task What_is_not_covered_is_answered_by_the_sentence_that_negates_not_by_its_opposite()
    {
        const string covers = "The warranty covers defects in materials and workmanship under normal household use, including:\n" +
            "- a device that will not power on or charge when used with the supplied adapter or dock\n" +
            "- hardware faults such as a failed motor, fan, speaker driver, sensor, display or Wi-Fi module";
        const string excluded = "- accidental damage, drops, cracked screens, or damage from liquid\n" +
            "- normal wear and tear and cosmetic damage such as scratches and dents\n" +
            "- consumable parts: Sweep S2 main brush, side brushes, HEPA filter, mop pads and dust bags";
        var (text, _, done) = await Answer("What is not covered by the warranty?",
            Evidence("covers", covers, ChunkKind.Text, "Northwind Home Limited Warranty Policy", "Northwind Home Limited Warranty Policy › What the warranty covers", 0.95, 0.80),
            Evidence("excluded", excluded, ChunkKind.Text, "Northwind Home Limited Warranty Policy", "Northwind Home Limited Warranty Policy › What the warranty does not cover", 0.90, 0.78));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.StartsWith("What the warranty does not cover:", text);
    }
}
