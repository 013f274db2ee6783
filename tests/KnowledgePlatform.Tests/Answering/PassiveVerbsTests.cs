using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Rag.Answering;
using KnowledgePlatform.Rag.Answering.Extractive;
using Xunit;
using static KnowledgePlatform.Tests.Answering.ExtractiveAnswererTests;

namespace KnowledgePlatform.Tests.Answering;

/// <summary>The verbs a question asks with in the passive voice, and what the answerer does with them.</summary>
public sealed class PassiveVerbsTests
{
    [Theory]
    [InlineData("How is the amoxicillin challenge test performed in low-risk penicillin allergy?", "performed")]
    [InlineData("How is acute appendicitis diagnosed in children?", "diagnosed")]
    [InlineData("bought a refurbished sweep, how long is the battery covered?", "covered")]
    public void A_participle_after_is_that_ends_its_clause_or_meets_a_preposition_is_a_passive_verb(string question, string verb) =>
        Assert.Equal([verb], PassiveVerbs.Of(question));

    [Theory]
    [InlineData("What is the recommended dose of amoxicillin?")]              // a participle before its noun
    [InlineData("Can I use a refurbished battery in the Sweep S2?")]        // no form of "be"
    [InlineData("Is a red rash a sign of allergy?")]                        // "red" is no participle of three letters or more before "ed"
    public void A_participle_that_qualifies_a_noun_or_a_question_without_is_has_none(string question) =>
        Assert.Empty(PassiveVerbs.Of(question));

    [Fact]
    public async Task A_verb_the_question_asks_with_is_no_focus_word_that_a_passage_must_hold()
    {
        // "performed" is written only in the high-risk row ("Never perform a drug challenge"): it says how the question
        // asks, not what about, so the challenge's own procedure, ranked first, is not pushed down for lacking it.
        var procedure = "- Record baseline observations: pulse, blood pressure, respiratory rate and oxygen saturation, and examine the skin.\n" +
            "- Give a single oral dose of amoxicillin 500 mg.\n- Observe for 60 minutes, repeating observations at 30 and 60 minutes.\n- If there is no reaction, the challenge is negative.";
        var risks = "| Category | Typical history | Recommended action |\n| --- | --- | --- |\n" +
            "| High risk: immediate reaction | Anaphylaxis, angioedema, urticaria (hives) or wheeze within 1 hour of a dose | Avoid all penicillins. Refer to an allergy specialist for skin testing. |\n" +
            "| High risk: severe delayed reaction | Stevens-Johnson syndrome or toxic epidermal necrolysis (SJS/TEN), DRESS | Avoid all beta-lactam antibiotics unless advised by an allergy specialist. Never perform a drug challenge. |";
        var (text, _, done) = await Answer("How is the amoxicillin challenge test performed in low-risk penicillin allergy?",
            Evidence("procedure", procedure, ChunkKind.Text, "Penicillin Allergy Assessment and De-labelling", "Direct oral amoxicillin challenge (low-risk patients) › Procedure", 0.999, 0.824),
            Evidence("risks", risks, ChunkKind.Table, "Penicillin Allergy Assessment and De-labelling", "Risk stratification", 0.737, 0.722));

        Assert.Equal(AnswerStatus.Answered, done.Status);
        Assert.True(text.StartsWith("Procedure:", StringComparison.Ordinal), text);
    }
}
